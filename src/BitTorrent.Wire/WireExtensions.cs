namespace BitTorrent.Wire;

/// <summary>Protocol extensions announced in the reserved bytes of the BEP 3 handshake.</summary>
[Flags]
public enum WireExtensions
{
    /// <summary>No extension bit.</summary>
    None = 0,
    /// <summary>BEP 5: the peer runs a DHT node (reserved[7] &amp; 0x01); it may send a port message.</summary>
    Dht = 1,
    /// <summary>BEP 6 Fast Extension (reserved[7] &amp; 0x04).</summary>
    Fast = 2,
    /// <summary>BEP 10 Extension Protocol (reserved[5] &amp; 0x10). Our handshake always sets it, as the seed does.</summary>
    Extended = 4,
}
