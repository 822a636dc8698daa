using System.Security.Cryptography;

namespace BitTorrent.Encryption;

/// <summary>The SHA-1 derivations of MSE from the shared secret S and the shared key SKEY (the info hash).</summary>
internal static class MseKeys
{
    /// <summary>The length of each hash (SHA-1).</summary>
    public const int HashLength = 20;

    /// <summary>HASH('req1', S): the marker the receiver synchronises on.</summary>
    public static void Req1(ReadOnlySpan<byte> secret, Span<byte> destination) => Hash("req1"u8, secret, default, destination);

    /// <summary>HASH('req2', SKEY): what a receiver indexes its torrents by.</summary>
    public static void Req2(ReadOnlySpan<byte> infoHash, Span<byte> destination) => Hash("req2"u8, infoHash, default, destination);

    /// <summary>HASH('req3', S).</summary>
    public static void Req3(ReadOnlySpan<byte> secret, Span<byte> destination) => Hash("req3"u8, secret, default, destination);

    /// <summary>The RC4 cipher keyed with HASH('keyA' or 'keyB', S, SKEY), its first 1,024 bytes discarded.</summary>
    public static Rc4 Cipher(bool keyA, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> infoHash)
    {
        Span<byte> key = stackalloc byte[HashLength];
        Hash(keyA ? "keyA"u8 : "keyB"u8, secret, infoHash, key);
        return new Rc4(key, discard: 1024);
    }

    private static void Hash(ReadOnlySpan<byte> label, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> destination)
    {
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(label);
        sha1.AppendData(first);
        sha1.AppendData(second);
        sha1.GetHashAndReset(destination);
    }
}
