namespace BitTorrent.Storage;

/// <summary>How a <see cref="TorrentStorage"/> lays files out on disk.</summary>
public sealed record StorageOptions
{
    /// <summary>
    /// True (the default) creates files sparse at their full length, so only written regions take space; false
    /// preallocates each file when it is created (a full disk then shows up at once rather than mid-download).
    /// </summary>
    public bool Sparse { get; init; } = true;

    /// <summary>A priority per file (in torrent order); null means every file is <see cref="FilePriority.Normal"/>.</summary>
    public IReadOnlyList<FilePriority>? FilePriorities { get; init; }

    /// <summary>Pieces read and hashed at once by <see cref="TorrentStorage.CheckAsync"/> (default: one per core).</summary>
    public int CheckParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Largest resume file accepted, in bytes (default 64 MiB).</summary>
    public int MaxResumeFileSize { get; init; } = 64 * 1024 * 1024;
}

/// <summary>Progress of a re-check: pieces checked so far, how many of them are good, and the bytes read.</summary>
/// <param name="PiecesChecked">Pieces checked so far.</param>
/// <param name="PieceCount">All pieces.</param>
/// <param name="PiecesValid">Pieces found complete and correct so far.</param>
/// <param name="BytesRead">Bytes read so far.</param>
public readonly record struct CheckProgress(int PiecesChecked, int PieceCount, int PiecesValid, long BytesRead);
