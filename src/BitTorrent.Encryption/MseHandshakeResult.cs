using System.IO.Pipelines;

namespace BitTorrent.Encryption;

/// <summary>What a finished handshake gives the wire: the transport to run over and what was negotiated.</summary>
public sealed class MseHandshakeResult
{
    internal MseHandshakeResult(IDuplexPipe transport, CryptoMethods method, InfoHash? infoHash)
    {
        Transport = transport;
        Method = method;
        InfoHash = infoHash;
    }

    /// <summary>
    /// The pipe the wire runs over: it decrypts and encrypts with RC4, or is the connection's own pipe for
    /// plaintext; in both cases it starts at the first payload byte (the peer's BitTorrent handshake).
    /// </summary>
    public IDuplexPipe Transport { get; }

    /// <summary>
    /// <see cref="CryptoMethods.Rc4"/> (full stream), <see cref="CryptoMethods.Plaintext"/> (header-only MSE), or
    /// <see cref="CryptoMethods.None"/> for a plain BitTorrent connection without MSE.
    /// </summary>
    public CryptoMethods Method { get; }

    /// <summary>True when the payload stream is RC4-encrypted.</summary>
    public bool IsEncrypted => Method == CryptoMethods.Rc4;

    /// <summary>True when an MSE handshake took place (even a header-only one).</summary>
    public bool UsedMse => Method != CryptoMethods.None;

    /// <summary>The torrent the MSE handshake was for (SKEY); null for a plain connection, whose handshake names it.</summary>
    public InfoHash? InfoHash { get; }
}
