using System.Security.Cryptography;

namespace BitTorrent.Storage;

/// <summary>SHA-1 verification of piece data.</summary>
public static class PieceHash
{
    /// <summary>True when the SHA-1 of <paramref name="data"/> equals the 20 bytes <paramref name="sha1"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> sha1)
    {
        if (sha1.Length != SHA1.HashSizeInBytes) return false;
        Span<byte> actual = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(data, actual);
        return actual.SequenceEqual(sha1);
    }
}
