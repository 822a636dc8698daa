namespace BitTorrent.Encryption;

/// <summary>Why an MSE handshake failed.</summary>
public enum MseFailure
{
    /// <summary>The handshake did not finish within <see cref="MseOptions.HandshakeTimeout"/> (a stalled peer).</summary>
    Timeout,

    /// <summary>The connection closed before the handshake finished.</summary>
    ConnectionClosed,

    /// <summary>The peer's Diffie-Hellman public key is 0, 1, P-1 or not below P.</summary>
    InvalidPublicKey,

    /// <summary>No HASH('req1', S) within the first 628 bytes, or no encrypted VC within 520 bytes after Yb.</summary>
    SynchronisationFailed,

    /// <summary>HASH('req2', SKEY) names no torrent we serve.</summary>
    UnknownInfoHash,

    /// <summary>The decrypted verification constant is not eight zero bytes (the peer used other keys).</summary>
    InvalidVerificationConstant,

    /// <summary>A padding or initial payload length above its limit.</summary>
    InvalidLength,

    /// <summary>crypto_provide and our allowed methods have nothing in common, or crypto_select is not one method we offered.</summary>
    NoCommonMethod,

    /// <summary>The policy refuses this kind of connection (plaintext under Required, MSE under Disabled).</summary>
    RefusedByPolicy,
}

/// <summary>An MSE handshake failed; only that connection is affected.</summary>
public sealed class MseException : IOException
{
    /// <summary>A failed handshake with its reason.</summary>
    public MseException(MseFailure failure, string message, Exception? innerException = null)
        : base($"MSE handshake failed ({failure}): {message}", innerException) => Failure = failure;

    /// <summary>Why the handshake failed.</summary>
    public MseFailure Failure { get; }
}
