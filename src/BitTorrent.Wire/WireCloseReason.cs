namespace BitTorrent.Wire;

/// <summary>Why a wire closed.</summary>
public enum WireCloseReason
{
    /// <summary><see cref="Wire.End"/>, <see cref="Wire.Destroy"/> or disposal on our side.</summary>
    LocalEnd,
    /// <summary>The peer closed the connection.</summary>
    RemoteEnd,
    /// <summary>The transport failed (socket error).</summary>
    TransportError,
    /// <summary>The peer's handshake was not a BitTorrent handshake.</summary>
    InvalidHandshake,
    /// <summary>The peer's handshake named a different torrent than ours.</summary>
    InfoHashMismatch,
    /// <summary>A frame announced a length above <see cref="WireOptions.MaxMessageLength"/>.</summary>
    MessageTooLarge,
    /// <summary>A message had the wrong size, an index out of range, or an invalid value.</summary>
    InvalidMessage,
    /// <summary>A message that is not allowed in the current state (for example a Fast message without Fast).</summary>
    ProtocolViolation,
    /// <summary>An event handler or extension hook threw on the wire's read loop.</summary>
    ApplicationError,
    /// <summary>More than <see cref="WireOptions.MaxOutboundBytes"/> waited to be sent: the peer does not read.</summary>
    SendBufferFull,
    /// <summary>The peer's handshake did not arrive within <see cref="WireOptions.HandshakeTimeout"/>.</summary>
    HandshakeTimeout,
    /// <summary>Nothing arrived from the peer for <see cref="WireOptions.InactivityTimeout"/>.</summary>
    Inactive,
    /// <summary>An extension closed the wire (for example ut_pex against a flooding peer).</summary>
    ExtensionViolation,
}

/// <summary>Arguments of <see cref="Wire.Closed"/>.</summary>
public sealed class WireClosedEventArgs(WireCloseReason reason, string? message, Exception? exception) : EventArgs
{
    /// <summary>The typed reason.</summary>
    public WireCloseReason Reason { get; } = reason;

    /// <summary>A human-readable detail, when there is one.</summary>
    public string? Message { get; } = message;

    /// <summary>The exception behind <see cref="WireCloseReason.TransportError"/> or <see cref="WireCloseReason.ApplicationError"/>.</summary>
    public Exception? Exception { get; } = exception;

    /// <inheritdoc />
    public override string ToString() => Message is null ? Reason.ToString() : $"{Reason}: {Message}";
}
