using BitTorrent.Bencode;

namespace BitTorrent.Metainfo;

/// <summary>
/// Creates a v1 torrent from a file or a directory (files in ordinal path order, symbolic links skipped), hashing
/// pieces on all cores with streaming positional reads: memory stays at one piece per worker.
/// </summary>
public static class TorrentCreator
{
    private const int MinAutoPieceLength = 16 * 1024;
    private const int MaxAutoPieceLength = 16 * 1024 * 1024;
    private const int TargetMaxPieces = 2000;

    /// <summary>
    /// The smallest power of two from 16 KiB to 16 MiB that gives at most 2,000 pieces, so between about 1,000 and
    /// 2,000 pieces unless the content is smaller than 16 MiB or larger than 32 GiB.
    /// </summary>
    public static int ChoosePieceLength(long totalLength)
    {
        int length = MinAutoPieceLength;
        while (length < MaxAutoPieceLength && (totalLength + length - 1) / length > TargetMaxPieces) length *= 2;
        return length;
    }

    /// <summary>Hashes the file or directory at <paramref name="path"/> and returns the torrent.</summary>
    /// <exception cref="MetainfoException">A name is unsafe, there are too many files, or there is no data.</exception>
    /// <exception cref="IOException">A file cannot be read or changed size while being hashed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<Torrent> CreateAsync(string path, TorrentCreateOptions? options = null,
        IProgress<TorrentCreateProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new TorrentCreateOptions();
        var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        var name = Path.GetFileName(full);
        PathValidator.ValidateComponent(name, options.Limits);
        var sources = SourceFiles.Collect(full, options.Limits);
        long total = sources.Sum(s => s.Length);
        if (total == 0) throw new MetainfoException(MetainfoError.EmptyTorrent, $"'{path}' holds no data");
        int pieceLength = options.PieceLength ?? ChoosePieceLength(total);
        if (pieceLength < MinAutoPieceLength || !int.IsPow2(pieceLength) || pieceLength > options.Limits.MaxPieceLength)
            throw new ArgumentOutOfRangeException(nameof(options), $"piece length {pieceLength} must be a power of two from 16 KiB to {options.Limits.MaxPieceLength}");

        var hashes = await new ParallelPieceHasher(sources, total, pieceLength, options.MaxDegreeOfParallelism)
            .HashAsync(progress, cancellationToken).ConfigureAwait(false);
        var info = new BDictionary
        {
            ["name"] = name,
            ["piece length"] = pieceLength,
            ["pieces"] = hashes,
        };
        if (options.IsPrivate) info["private"] = 1;
        if (Directory.Exists(full)) info["files"] = new BList(sources.Select(FileEntry));
        else info["length"] = total;
        var parsed = TorrentInfo.Parse(info.Encode(), options.Limits);
        var tiers = options.AnnounceTiers.Select(t => (IReadOnlyList<string>)[.. t]).Where(t => t.Count > 0).ToList();
        return new Torrent(parsed, tiers, [.. options.WebSeeds], options.CreationDate, options.Comment, options.CreatedBy);
    }

    private static BDictionary FileEntry(SourceFile file) => new()
    {
        ["length"] = file.Length,
        ["path"] = new BList(file.Components.Select(c => (BValue)c)),
    };
}
