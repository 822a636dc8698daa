namespace BitTorrent.Dht;

/// <summary>A remote node answered a query with a KRPC error.</summary>
public sealed class DhtProtocolException : Exception
{
    /// <summary>Creates the exception for a KRPC error code.</summary>
    public DhtProtocolException(long errorCode)
        : base($"KRPC error {errorCode}.") => ErrorCode = errorCode;

    /// <summary>Creates the exception with a message.</summary>
    public DhtProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public DhtProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DhtProtocolException()
    {
    }

    /// <summary>The KRPC error code (201-207, 301, 302, …).</summary>
    public long ErrorCode { get; }
}
