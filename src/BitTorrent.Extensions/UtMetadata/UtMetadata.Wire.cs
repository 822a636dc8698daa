using BitTorrent.Wire;

namespace BitTorrent.Extensions;

public sealed partial class UtMetadata : IWireExtension
{
    /// <summary>Creates the extension for <paramref name="wire"/>; use it as <c>wire.Use(w =&gt; new UtMetadata(w))</c>.</summary>
    /// <param name="wire">The wire; its <c>TimeProvider</c> drives the fetch timeout.</param>
    /// <param name="metadata">The info dictionary (or a whole .torrent file) to serve, or empty to fetch it.</param>
    /// <param name="options">Timeout, retries and request window; defaults when null.</param>
    /// <exception cref="ArgumentException"><paramref name="metadata"/> is neither a bencoded info dictionary nor a torrent
    /// file, is larger than 10 MB, or does not match the wire's info hash.</exception>
    public UtMetadata(Wire.Wire wire, ReadOnlyMemory<byte> metadata = default, UtMetadataOptions? options = null)
        : this(new WireExtensionHost(wire), metadata, options)
    {
    }

    /// <summary>
    /// Creates the extension for <paramref name="wire"/> taking part in <paramref name="fetch"/>, the metadata download
    /// shared by every wire of one torrent: <c>wire.Use(w =&gt; new UtMetadata(w, fetch))</c>.
    /// </summary>
    /// <param name="wire">The wire; its <c>TimeProvider</c> drives the fetch timeout.</param>
    /// <param name="fetch">The torrent's shared fetch; its info hash must be the wire's.</param>
    /// <param name="options">Timeout, retries and request window; defaults when null.</param>
    /// <exception cref="ArgumentException">The wire's handshake named another info hash.</exception>
    public UtMetadata(Wire.Wire wire, MetadataFetch fetch, UtMetadataOptions? options = null)
        : this(new WireExtensionHost(wire), default, options, fetch ?? throw new ArgumentNullException(nameof(fetch)))
    {
    }

    void IWireExtension.OnHandshake(HandshakeEventArgs handshake) => HandleHandshake(handshake.InfoHash);

    void IWireExtension.OnExtendedHandshake(ExtendedHandshake handshake) => HandleExtendedHandshake(handshake.MetadataSize);
}
