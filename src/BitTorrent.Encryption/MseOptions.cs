using Microsoft.Extensions.Logging;

namespace BitTorrent.Encryption;

/// <summary>The encryption settings of an engine, or of one connection.</summary>
public sealed record MseOptions
{
    /// <summary>Which connections are made and accepted (default <see cref="EncryptionPolicy.Enabled"/>).</summary>
    public EncryptionPolicy Policy { get; init; } = EncryptionPolicy.Enabled;

    /// <summary>
    /// Under <see cref="EncryptionPolicy.Enabled"/>, what an outgoing connection tries first: <see cref="CryptoMethods.Plaintext"/>
    /// (default, a plain BitTorrent handshake) or <see cref="CryptoMethods.Rc4"/> (MSE).
    /// </summary>
    public CryptoMethods OutgoingFirst { get; init; } = CryptoMethods.Plaintext;

    /// <summary>
    /// What we offer in crypto_provide and accept in crypto_select once MSE is used (default both; libtorrent's
    /// <c>allowed_enc_level</c>). <see cref="CryptoMethods.Plaintext"/> alone means a header-only handshake.
    /// </summary>
    public CryptoMethods AllowedMethods { get; init; } = CryptoMethods.Plaintext | CryptoMethods.Rc4;

    /// <summary>As the receiving side, select RC4 when the peer offers both (default true; libtorrent's <c>prefer_rc4</c>).</summary>
    public bool PreferRc4 { get; init; } = true;

    /// <summary>The longest a handshake may take, measured on <see cref="TimeProvider"/> (default 10 s).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest initial payload (IA) accepted from an initiator (default 4 KiB; the field allows 64 KiB).</summary>
    public int MaxInitialPayload { get; init; } = 4096;

    /// <summary>The clock of the handshake timeout (default <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Diagnostics (default none).</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
