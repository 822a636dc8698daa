namespace BitTorrent.Wire;

/// <summary>The transport under a peer connection.</summary>
public enum TransportKind
{
    /// <summary>TCP.</summary>
    Tcp,
    /// <summary>uTP (BEP 29) over UDP.</summary>
    Utp,
    /// <summary>An in-process pipe or stream (tests, embedding), or a transport the wire cannot name.</summary>
    Memory,
}
