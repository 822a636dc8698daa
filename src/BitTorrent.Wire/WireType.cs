namespace BitTorrent.Wire;

/// <summary>
/// The kind and direction of a wire's connection, the typed form of the seed's <c>wire.type</c>: its text is the
/// seed's name, <c>tcpIncoming</c>, <c>tcpOutgoing</c>, <c>utpIncoming</c>, <c>utpOutgoing</c> (and
/// <c>memoryIncoming</c>/<c>memoryOutgoing</c> for in-process transports).
/// </summary>
/// <param name="Kind">The transport.</param>
/// <param name="Direction">Who opened the connection.</param>
public readonly record struct WireType(TransportKind Kind, ConnectionDirection Direction)
{
    /// <summary>The seed's name, e.g. <c>tcpIncoming</c>.</summary>
    public override string ToString() => (Kind, Direction) switch
    {
        (TransportKind.Tcp, ConnectionDirection.Incoming) => "tcpIncoming",
        (TransportKind.Tcp, ConnectionDirection.Outgoing) => "tcpOutgoing",
        (TransportKind.Utp, ConnectionDirection.Incoming) => "utpIncoming",
        (TransportKind.Utp, ConnectionDirection.Outgoing) => "utpOutgoing",
        (TransportKind.Memory, ConnectionDirection.Incoming) => "memoryIncoming",
        (TransportKind.Memory, ConnectionDirection.Outgoing) => "memoryOutgoing",
        _ => $"{Kind}{Direction}",
    };
}
