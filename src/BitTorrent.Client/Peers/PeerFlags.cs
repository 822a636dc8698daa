namespace BitTorrent.Client;

/// <summary>The state of one connection, as flags (libtorrent's peer_info flags, by BEP 3 and BEP 6 name).</summary>
[Flags]
public enum PeerFlags
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>We choke the peer.</summary>
    AmChoking = 1 << 0,

    /// <summary>We are interested in the peer's pieces.</summary>
    AmInterested = 1 << 1,

    /// <summary>The peer chokes us.</summary>
    PeerChoking = 1 << 2,

    /// <summary>The peer is interested in our pieces.</summary>
    PeerInterested = 1 << 3,

    /// <summary>The peer has every piece.</summary>
    Seed = 1 << 4,

    /// <summary>The Fast Extension (BEP 6) is in use.</summary>
    Fast = 1 << 5,

    /// <summary>The peer speaks the Extension Protocol (BEP 10).</summary>
    Extended = 1 << 6,

    /// <summary>The peer stopped sending what we asked for (snubbed).</summary>
    Snubbed = 1 << 7,

    /// <summary>The peer exchanges peers (ut_pex).</summary>
    Pex = 1 << 8,

    /// <summary>The peer supports lt_donthave.</summary>
    DontHave = 1 << 9,

    /// <summary>The connection is encrypted end to end with MSE's RC4 (not set for plaintext or header-only MSE).</summary>
    Encrypted = 1 << 10,
}
