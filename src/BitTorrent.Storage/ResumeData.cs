using BitTorrent.Bencode;
using BitTorrent.Metainfo;
using BitTorrent.Wire;

namespace BitTorrent.Storage;

/// <summary>The size and last write time of one file when resume data was saved; a missing file has length -1.</summary>
/// <param name="Length">The file's length in bytes, or -1 when it did not exist.</param>
/// <param name="LastWriteTimeUtcTicks">The file's last write time (UTC ticks), or 0 when it did not exist.</param>
public readonly record struct ResumeFileState(long Length, long LastWriteTimeUtcTicks)
{
    /// <summary>The state of the file at <paramref name="path"/> now.</summary>
    public static ResumeFileState Of(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? new ResumeFileState(info.Length, info.LastWriteTimeUtc.Ticks) : new ResumeFileState(-1, 0);
    }
}

/// <summary>
/// What a restart needs to skip the full re-check: the verified pieces and the state (size, last write time) of
/// every file, and of the part file last, when they were saved. It is trusted only while every file still has
/// exactly that state. Encoded as a bencoded dictionary.
/// </summary>
public sealed class ResumeData
{
    private const int Version = 1;

    /// <summary>Creates resume data.</summary>
    public ResumeData(InfoHash infoHash, BitField pieces, IReadOnlyList<ResumeFileState> files)
    {
        InfoHash = infoHash;
        Pieces = pieces ?? throw new ArgumentNullException(nameof(pieces));
        Files = files ?? throw new ArgumentNullException(nameof(files));
    }

    /// <summary>The torrent this belongs to.</summary>
    public InfoHash InfoHash { get; }

    /// <summary>The pieces that were verified and written.</summary>
    public BitField Pieces { get; }

    /// <summary>One state per torrent file in order, then the part file's.</summary>
    public IReadOnlyList<ResumeFileState> Files { get; }

    /// <summary>The bencoded form.</summary>
    public byte[] Encode() => new BDictionary
    {
        ["files"] = new BList(Files.Select(f => (BValue)new BList { f.Length, f.LastWriteTimeUtcTicks })),
        ["info-hash"] = InfoHash.ToArray(),
        ["piece count"] = Pieces.Length,
        ["pieces"] = Pieces.ToArray(),
        ["version"] = Version,
    }.Encode();

    /// <summary>Parses resume data for <paramref name="info"/>, checking every size and count against the torrent.</summary>
    /// <exception cref="StorageException"><see cref="StorageError.InvalidResumeData"/>: damaged, too large, or for another torrent.</exception>
    public static ResumeData Parse(ReadOnlyMemory<byte> data, TorrentInfo info, int maxSize = 64 * 1024 * 1024)
    {
        if (data.Length > maxSize) throw Invalid($"{data.Length} bytes exceed the limit of {maxSize}");
        BDictionary root;
        try
        {
            root = Bencode.Bencode.DecodeDictionary(data, BencodeOptions.Strict with
            {
                MaxTotalSize = maxSize,
                MaxStringLength = maxSize,
                MaxElements = info.Files.Count + 16,
                MaxDepth = 4,
            });
        }
        catch (BencodeException e)
        {
            throw Invalid(e.Message, e);
        }
        if (root.GetInteger("version") != Version) throw Invalid("unknown version");
        if (root.GetBytes("info-hash") is not { Length: InfoHash.Length } hash || !hash.Span.SequenceEqual(info.InfoHash.Span))
            throw Invalid("it belongs to another torrent");
        if (root.GetInteger("piece count") != info.PieceCount) throw Invalid("the piece count differs");
        if (root.GetBytes("pieces") is not { } bits || bits.Length != (info.PieceCount + 7) / 8) throw Invalid("the piece bit field has the wrong size");
        var pieces = new BitField(info.PieceCount, info.PieceCount);
        pieces.Load(bits.Span, info.PieceCount);
        var list = root.Get<BList>("files");
        if (list is null || list.Count != info.Files.Count + 1) throw Invalid("the file list has the wrong size");
        var files = new ResumeFileState[list.Count];
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is not BList { Count: 2 } pair || pair[0] is not BInteger length || pair[1] is not BInteger ticks)
                throw Invalid($"file entry {i} is malformed");
            files[i] = new ResumeFileState(length.Value, ticks.Value);
        }
        return new ResumeData(info.InfoHash, pieces, files);
    }

    /// <summary>Reads and parses the resume file at <paramref name="path"/>, refusing it unread when it is over <paramref name="maxSize"/>.</summary>
    /// <exception cref="StorageException"><see cref="StorageError.InvalidResumeData"/>, or a typed I/O failure.</exception>
    public static ResumeData Load(string path, TorrentInfo info, int maxSize = 64 * 1024 * 1024)
    {
        try
        {
            using var handle = File.OpenHandle(path);
            long length = RandomAccess.GetLength(handle);
            if (length > maxSize) throw Invalid($"{length} bytes exceed the limit of {maxSize}");
            var data = new byte[length];
            int total = 0;
            while (total < data.Length)
            {
                int read = RandomAccess.Read(handle, data.AsSpan(total), total);
                if (read == 0) throw Invalid("the file shrank while it was read");
                total += read;
            }
            return Parse(data, info, maxSize);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not StorageException)
        {
            throw StorageException.From(e, path, "read resume data");
        }
    }

    private static StorageException Invalid(string reason, Exception? inner = null) =>
        new(StorageError.InvalidResumeData, $"resume data refused: {reason}", innerException: inner);
}
