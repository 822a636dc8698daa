using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;

namespace BitTorrent.Encryption;

/// <summary>
/// One side's Diffie-Hellman key exchange of MSE: the 768-bit MSE prime, generator 2, a random 160-bit private key.
/// Public keys and the shared secret travel as 96-byte big-endian numbers.
/// </summary>
internal sealed class MseKeyExchange
{
    /// <summary>The length of a public key and of the shared secret S in bytes.</summary>
    public const int KeyLength = 96;

    /// <summary>The MSE prime P (768 bits).</summary>
    public static readonly BigInteger Prime = BigInteger.Parse(
        "0FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A43" +
        "1B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563",
        NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static readonly BigInteger Generator = 2;
    private readonly BigInteger _privateKey;

    /// <summary>A new random private key (160 bits) and its public key.</summary>
    public MseKeyExchange()
    {
        Span<byte> random = stackalloc byte[20];
        RandomNumberGenerator.Fill(random);
        _privateKey = new BigInteger(random, isUnsigned: true, isBigEndian: true);
        var publicKey = new byte[KeyLength];
        WriteFixed(BigInteger.ModPow(Generator, _privateKey, Prime), publicKey);
        PublicKey = publicKey;
    }

    /// <summary>Our public key Y = G^X mod P as 96 big-endian bytes.</summary>
    public ReadOnlyMemory<byte> PublicKey { get; }

    /// <summary>
    /// The shared secret S = Y_peer^X mod P into <paramref name="secret"/> (96 bytes). Returns false for a public key
    /// that is not in 2 .. P-2 (0, 1 and P-1 would make the secret guessable; P and above are not numbers mod P).
    /// </summary>
    public bool TryComputeSecret(ReadOnlySpan<byte> peerPublicKey, Span<byte> secret)
    {
        if (peerPublicKey.Length != KeyLength) throw new ArgumentException("a public key is 96 bytes", nameof(peerPublicKey));
        var y = new BigInteger(peerPublicKey, isUnsigned: true, isBigEndian: true);
        if (y <= BigInteger.One || y >= Prime - BigInteger.One) return false;
        WriteFixed(BigInteger.ModPow(y, _privateKey, Prime), secret);
        return true;
    }

    private static void WriteFixed(BigInteger value, Span<byte> destination)
    {
        var length = value.GetByteCount(isUnsigned: true);
        destination[..(KeyLength - length)].Clear();
        value.TryWriteBytes(destination[(KeyLength - length)..KeyLength], out _, isUnsigned: true, isBigEndian: true);
    }
}
