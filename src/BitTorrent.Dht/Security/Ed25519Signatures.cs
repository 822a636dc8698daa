using System.Buffers;
using System.Globalization;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace BitTorrent.Dht.Security;

/// <summary>Verifies a BEP 44 signature: (signature, signed buffer, public key) → valid.</summary>
public delegate bool DhtSignatureVerifier(ReadOnlySpan<byte> signature, ReadOnlySpan<byte> message, ReadOnlySpan<byte> publicKey);

/// <summary>BEP 44 mutable-item signing with ed25519 (BouncyCastle).</summary>
public static class Ed25519Signatures
{
    /// <summary>Length of an ed25519 public key.</summary>
    public const int PublicKeyLength = 32;

    /// <summary>Length of an ed25519 private key seed.</summary>
    public const int SeedLength = 32;

    /// <summary>Length of an ed25519 signature.</summary>
    public const int SignatureLength = 64;

    /// <summary>The built-in verifier.</summary>
    public static DhtSignatureVerifier Verifier { get; } = Verify;

    /// <summary>Builds the buffer BEP 44 signs: <c>[4:salt&lt;len&gt;:&lt;salt&gt;]3:seqi&lt;seq&gt;e1:v&lt;bencoded v&gt;</c>.</summary>
    public static byte[] CreateSignedBuffer(ReadOnlySpan<byte> salt, long sequence, ReadOnlySpan<byte> bencodedValue)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + salt.Length + bencodedValue.Length);
        if (!salt.IsEmpty)
        {
            Write(buffer, "4:salt");
            Write(buffer, salt.Length.ToString(CultureInfo.InvariantCulture));
            Write(buffer, ":");
            buffer.Write(salt);
        }
        Write(buffer, "3:seqi");
        Write(buffer, sequence.ToString(CultureInfo.InvariantCulture));
        Write(buffer, "e1:v");
        buffer.Write(bencodedValue);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Derives the public key of a 32-byte private key seed.</summary>
    public static byte[] GetPublicKey(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedLength) throw new ArgumentException("An ed25519 seed is 32 bytes.", nameof(seed));
        return new Ed25519PrivateKeyParameters(seed.ToArray()).GeneratePublicKey().GetEncoded();
    }

    /// <summary>Creates a new random seed (private key).</summary>
    public static byte[] CreateSeed()
    {
        var seed = new byte[SeedLength];
        System.Security.Cryptography.RandomNumberGenerator.Fill(seed);
        return seed;
    }

    /// <summary>Signs <paramref name="message"/> with a 32-byte private key seed.</summary>
    public static byte[] Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> message)
    {
        if (seed.Length != SeedLength) throw new ArgumentException("An ed25519 seed is 32 bytes.", nameof(seed));
        var signer = new Ed25519Signer();
        signer.Init(true, new Ed25519PrivateKeyParameters(seed.ToArray()));
        signer.BlockUpdate(message);
        return signer.GenerateSignature();
    }

    /// <summary>Verifies an ed25519 signature; false (never an exception) for malformed keys or signatures.</summary>
    public static bool Verify(ReadOnlySpan<byte> signature, ReadOnlySpan<byte> message, ReadOnlySpan<byte> publicKey)
    {
        if (signature.Length != SignatureLength || publicKey.Length != PublicKeyLength)
        {
            return false;
        }
        try
        {
            var verifier = new Ed25519Signer();
            verifier.Init(false, new Ed25519PublicKeyParameters(publicKey));
            verifier.BlockUpdate(message);
            return verifier.VerifySignature(signature.ToArray());
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void Write(ArrayBufferWriter<byte> buffer, string ascii)
    {
        var span = buffer.GetSpan(ascii.Length);
        for (int i = 0; i < ascii.Length; i++) span[i] = (byte)ascii[i];
        buffer.Advance(ascii.Length);
    }
}
