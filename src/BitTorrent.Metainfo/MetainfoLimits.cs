namespace BitTorrent.Metainfo;

/// <summary>Bounds applied while parsing a torrent, before anything is allocated for it or touches the disk.</summary>
public sealed record MetainfoLimits
{
    /// <summary>The defaults.</summary>
    public static MetainfoLimits Default { get; } = new();

    /// <summary>Largest .torrent file or info dictionary accepted, in bytes (default 64 MiB).</summary>
    public int MaxTorrentSize { get; init; } = 64 * 1024 * 1024;

    /// <summary>Most files in a multi-file torrent, pad files included (default 100,000).</summary>
    public int MaxFiles { get; init; } = 100_000;

    /// <summary>Most pieces (default 1,048,576).</summary>
    public int MaxPieces { get; init; } = 1 << 20;

    /// <summary>Largest piece length accepted (default 128 MiB).</summary>
    public int MaxPieceLength { get; init; } = 128 * 1024 * 1024;

    /// <summary>Longest relative path of one file, in UTF-16 characters, torrent name included (default 4,096).</summary>
    public int MaxPathLength { get; init; } = 4096;

    /// <summary>Most components in one file path (default 64).</summary>
    public int MaxPathDepth { get; init; } = 64;

    /// <summary>Longest single path component, in UTF-16 characters (default 255).</summary>
    public int MaxComponentLength { get; init; } = 255;

    /// <summary>Most tracker URLs over all tiers, and most web seeds (default 1,000 each).</summary>
    public int MaxTrackers { get; init; } = 1000;
}
