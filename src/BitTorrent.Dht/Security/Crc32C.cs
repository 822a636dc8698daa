using System.Numerics;

namespace BitTorrent.Dht.Security;

/// <summary>CRC-32C (Castagnoli), as BEP 42 uses, on top of <see cref="BitOperations.Crc32C(uint, byte)"/>.</summary>
public static class Crc32C
{
    /// <summary>The CRC-32C of <paramref name="data"/> (initial value and final XOR 0xFFFFFFFF).</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }
        return ~crc;
    }
}
