namespace BitTorrent.Metainfo;

/// <summary>What <see cref="TorrentCreator"/> puts in a new torrent besides the files.</summary>
public sealed record TorrentCreateOptions
{
    /// <summary>The piece length; null chooses one with <see cref="TorrentCreator.ChoosePieceLength"/>. Must be a power of two of at least 16 KiB.</summary>
    public int? PieceLength { get; init; }

    /// <summary>BEP 27: mark the torrent private (changes the info hash).</summary>
    public bool IsPrivate { get; init; }

    /// <summary>Tracker tiers (BEP 12); the first URL is also written as <c>announce</c>.</summary>
    public IReadOnlyList<IReadOnlyList<string>> AnnounceTiers { get; init; } = [];

    /// <summary>BEP 19 web seeds (<c>url-list</c>).</summary>
    public IReadOnlyList<string> WebSeeds { get; init; } = [];

    /// <summary>A free-text comment.</summary>
    public string? Comment { get; init; }

    /// <summary>The creating program (default "BitTorrent for .NET").</summary>
    public string? CreatedBy { get; init; } = "BitTorrent for .NET";

    /// <summary>The creation date to record; null leaves it out.</summary>
    public DateTimeOffset? CreationDate { get; init; }

    /// <summary>How many pieces are read and hashed at once (default: one per core). Memory is this many pieces.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Limits the created torrent must meet (the same ones <see cref="Torrent.Parse"/> enforces).</summary>
    public MetainfoLimits Limits { get; init; } = MetainfoLimits.Default;
}

/// <summary>Progress of <see cref="TorrentCreator.CreateAsync"/>: pieces hashed so far out of the total.</summary>
/// <param name="PiecesHashed">Pieces hashed so far.</param>
/// <param name="PieceCount">All pieces.</param>
/// <param name="BytesHashed">Bytes read and hashed so far.</param>
public readonly record struct TorrentCreateProgress(int PiecesHashed, int PieceCount, long BytesHashed);
