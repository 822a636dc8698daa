namespace BitTorrent.Extensions;

/// <summary>Something went wrong in an extension without closing the wire (or just before closing it).</summary>
public sealed class ExtensionWarningEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    public ExtensionWarningEventArgs(string message, Exception? exception = null)
    {
        Message = message;
        Exception = exception;
    }

    /// <summary>What happened, e.g. "Peer sent invalid metadata".</summary>
    public string Message { get; }

    /// <summary>The underlying error, when there is one (for example an <see cref="ExtensionMessageException"/>).</summary>
    public Exception? Exception { get; }
}
