namespace BitTorrent.Extensions;

/// <summary>The info dictionary was fetched with ut_metadata and its SHA-1 matched the info hash.</summary>
public sealed class MetadataEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    public MetadataEventArgs(InfoHash infoHash, ReadOnlyMemory<byte> info)
    {
        InfoHash = infoHash;
        Info = info;
    }

    /// <summary>The info hash the bytes were verified against.</summary>
    public InfoHash InfoHash { get; }

    /// <summary>The raw info dictionary, byte for byte as the peer sent it (never re-encoded).</summary>
    public ReadOnlyMemory<byte> Info { get; }

    /// <summary>A minimal .torrent file, <c>d4:info&lt;raw info&gt;e</c>, whose info hash is <see cref="InfoHash"/>.</summary>
    public byte[] ToTorrent() => UtMetadata.WrapAsTorrent(Info.Span);
}
