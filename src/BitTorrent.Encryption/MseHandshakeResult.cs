using BitTorrent.Wire;

namespace BitTorrent.Encryption;

/// <summary>What a finished handshake gives the wire: the connection to run over and what was negotiated.</summary>
public sealed class MseHandshakeResult
{
    internal MseHandshakeResult(PeerConnection connection, CryptoMethods method, InfoHash? infoHash)
    {
        Connection = connection;
        Method = method;
        InfoHash = infoHash;
    }

    /// <summary>
    /// The connection the wire runs over (<c>new Wire(result.Connection, options)</c>): it decrypts and encrypts with
    /// RC4 (<see cref="PeerConnection.IsEncrypted"/>), or carries plaintext; in both cases it starts at the first payload
    /// byte (the peer's BitTorrent handshake). Disposing it disposes the plaintext connection under it.
    /// </summary>
    public PeerConnection Connection { get; }

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
