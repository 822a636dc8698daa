namespace BitTorrent.Extensions;

/// <summary>The per-peer flags of a BEP 11 <c>added.f</c> / <c>added6.f</c> byte.</summary>
[Flags]
public enum PexFlags : byte
{
    /// <summary>No flag set (also what a peer without an <c>added.f</c> entry gets).</summary>
    None = 0,
    /// <summary>0x01: the peer prefers encrypted connections.</summary>
    PrefersEncryption = 0x01,
    /// <summary>0x02: the peer is a seed or upload-only.</summary>
    Seed = 0x02,
    /// <summary>0x04: the peer supports uTP.</summary>
    SupportsUtp = 0x04,
    /// <summary>0x08: the peer supports the ut_holepunch extension.</summary>
    SupportsHolepunch = 0x08,
    /// <summary>0x10: the peer is reachable (the sender made an outgoing connection to it).</summary>
    Reachable = 0x10,
}
