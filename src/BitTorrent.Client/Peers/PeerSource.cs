namespace BitTorrent.Client;

/// <summary>How we learned of a peer.</summary>
public enum PeerSource
{
    /// <summary>Given by the application (<see cref="TorrentOptions.Peers"/> or <see cref="TorrentSession.AddPeer"/>).</summary>
    Explicit,

    /// <summary>An <c>x.pe</c> parameter of the magnet link.</summary>
    Magnet,

    /// <summary>A DHT get_peers lookup (BEP 5).</summary>
    Dht,

    /// <summary>Peer exchange from another peer (ut_pex, BEP 11).</summary>
    Pex,

    /// <summary>The peer connected to us.</summary>
    Incoming,

    /// <summary>A tracker announce.</summary>
    Tracker,
}
