using System.Security.Cryptography;

namespace BitTorrent.Dht;

/// <summary>BEP 44 target computation.</summary>
public static class DhtItemTargets
{
    /// <summary>The largest bencoded value BEP 44 allows.</summary>
    public const int MaxValueLength = 1000;

    /// <summary>The largest salt BEP 44 allows.</summary>
    public const int MaxSaltLength = 64;

    /// <summary>SHA-1 of the bencoded value.</summary>
    public static NodeId Immutable(ReadOnlySpan<byte> bencodedValue)
    {
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(bencodedValue, hash);
        return new NodeId(hash);
    }

    /// <summary>SHA-1 of the public key followed by the salt.</summary>
    public static NodeId Mutable(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> salt)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha.AppendData(publicKey);
        sha.AppendData(salt);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        sha.GetHashAndReset(hash);
        return new NodeId(hash);
    }
}
