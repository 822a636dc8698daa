namespace BitTorrent.Dht;

/// <summary>A BEP 44 item: an immutable value, or a mutable value signed by an ed25519 key.</summary>
public sealed record DhtItem
{
    /// <summary>The bencoded value <c>v</c> (at most 1000 bytes).</summary>
    public required ReadOnlyMemory<byte> Value { get; init; }

    /// <summary>The ed25519 public key <c>k</c> (mutable items only).</summary>
    public ReadOnlyMemory<byte> PublicKey { get; init; }

    /// <summary>The ed25519 signature <c>sig</c> (mutable items only).</summary>
    public ReadOnlyMemory<byte> Signature { get; init; }

    /// <summary>The salt (mutable items only; empty for none).</summary>
    public ReadOnlyMemory<byte> Salt { get; init; }

    /// <summary>The sequence number <c>seq</c> (mutable items only).</summary>
    public long Sequence { get; init; }

    /// <summary>True for a mutable item (one with a public key).</summary>
    public bool IsMutable => !PublicKey.IsEmpty;

    /// <summary>The DHT key the item is stored under: SHA-1(v) when immutable, SHA-1(k ‖ salt) when mutable.</summary>
    public NodeId Target => IsMutable ? DhtItemTargets.Mutable(PublicKey.Span, Salt.Span) : DhtItemTargets.Immutable(Value.Span);

    /// <summary>An immutable item holding a bencoded value.</summary>
    public static DhtItem CreateImmutable(ReadOnlyMemory<byte> bencodedValue) => new() { Value = bencodedValue };

    /// <summary>A mutable item signed with a 32-byte ed25519 private key seed.</summary>
    public static DhtItem CreateMutable(ReadOnlySpan<byte> privateKeySeed, ReadOnlyMemory<byte> bencodedValue, long sequence,
        ReadOnlyMemory<byte> salt = default)
    {
        var signed = Security.Ed25519Signatures.CreateSignedBuffer(salt.Span, sequence, bencodedValue.Span);
        return new DhtItem
        {
            Value = bencodedValue,
            PublicKey = Security.Ed25519Signatures.GetPublicKey(privateKeySeed),
            Signature = Security.Ed25519Signatures.Sign(privateKeySeed, signed),
            Salt = salt,
            Sequence = sequence,
        };
    }

    /// <summary>
    /// A mutable item signed by an external signer (bittorrent-dht's <c>sign(buf)</c> option): <paramref name="sign"/>
    /// receives the BEP 44 signed buffer and returns the 64-byte ed25519 signature.
    /// </summary>
    public static DhtItem CreateMutable(ReadOnlyMemory<byte> publicKey, Func<byte[], byte[]> sign, ReadOnlyMemory<byte> bencodedValue,
        long sequence, ReadOnlyMemory<byte> salt = default)
    {
        ArgumentNullException.ThrowIfNull(sign);
        var signed = Security.Ed25519Signatures.CreateSignedBuffer(salt.Span, sequence, bencodedValue.Span);
        return new DhtItem { Value = bencodedValue, PublicKey = publicKey, Signature = sign(signed), Salt = salt, Sequence = sequence };
    }

    /// <summary>Checks a mutable item's signature (and that an immutable item is well-formed).</summary>
    public bool VerifySignature(Security.DhtSignatureVerifier? verifier = null)
    {
        if (!IsMutable)
        {
            return true;
        }
        var signed = Security.Ed25519Signatures.CreateSignedBuffer(Salt.Span, Sequence, Value.Span);
        return (verifier ?? Security.Ed25519Signatures.Verifier)(Signature.Span, signed, PublicKey.Span);
    }
}
