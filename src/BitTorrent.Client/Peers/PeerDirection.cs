namespace BitTorrent.Client;

/// <summary>Who opened a connection.</summary>
public enum PeerDirection
{
    /// <summary>We dialled the peer.</summary>
    Outgoing,

    /// <summary>The peer dialled us.</summary>
    Incoming,
}
