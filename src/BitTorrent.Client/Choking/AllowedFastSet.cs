using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace BitTorrent.Client;

/// <summary>The canonical allowed-fast set of BEP 6: the pieces a peer may request from us while we choke it.</summary>
public static class AllowedFastSet
{
    /// <summary>The usual number of allowed-fast pieces (libtorrent's default, BEP 6's example uses 7 and 9).</summary>
    public const int DefaultCount = 10;

    /// <summary>
    /// The first <paramref name="count"/> pieces of the set for a peer at <paramref name="address"/>: x = the address
    /// masked to its /24 followed by the info hash; repeatedly x = SHA-1(x), each of its five 32-bit big-endian words
    /// mod the piece count is a piece, duplicates skipped. Only IPv4 (and IPv4-mapped IPv6) peers have a set; for other
    /// IPv6 addresses BEP 6 defines none and the result is empty.
    /// </summary>
    /// <param name="address">The peer's address.</param>
    /// <param name="infoHash">The torrent's info hash.</param>
    /// <param name="pieceCount">The number of pieces in the torrent.</param>
    /// <param name="count">How many pieces (at most the piece count).</param>
    public static int[] Generate(IPAddress address, InfoHash infoHash, int pieceCount, int count = DefaultCount)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfNegative(pieceCount);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetwork) return [];
        count = Math.Min(count, pieceCount);
        var result = new int[count];
        Span<byte> x = stackalloc byte[4 + InfoHash.Length];
        address.TryWriteBytes(x, out _);
        x[3] = 0; // 0xFFFFFF00 & ip
        infoHash.CopyTo(x[4..]);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        int n = 0;
        SHA1.HashData(x, hash);
        while (true)
        {
            for (int i = 0; i < 5 && n < count; i++)
            {
                int index = (int)(BinaryPrimitives.ReadUInt32BigEndian(hash[(i * 4)..]) % (uint)pieceCount);
                if (Array.IndexOf(result, index, 0, n) < 0) result[n++] = index;
            }
            if (n == count) return result;
            hash.CopyTo(x); // x = SHA-1(x), hashed from a copy so input and output never overlap
            SHA1.HashData(x[..SHA1.HashSizeInBytes], hash);
        }
    }
}
