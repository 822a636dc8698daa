namespace BitTorrent.Wire;

/// <summary>Which side opened a peer connection.</summary>
public enum ConnectionDirection
{
    /// <summary>We connected to the peer.</summary>
    Outgoing,
    /// <summary>The peer connected to us.</summary>
    Incoming,
}
