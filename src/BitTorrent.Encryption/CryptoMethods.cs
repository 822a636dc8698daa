namespace BitTorrent.Encryption;

/// <summary>The payload encryptions of MSE's crypto_provide and crypto_select fields.</summary>
[Flags]
public enum CryptoMethods
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>0x01: the handshake is encrypted, the payload after it is not ("header-only").</summary>
    Plaintext = 0x01,

    /// <summary>0x02: the whole stream is encrypted with RC4.</summary>
    Rc4 = 0x02,
}
