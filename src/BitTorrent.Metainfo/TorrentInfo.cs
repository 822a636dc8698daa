using BitTorrent.Bencode;

namespace BitTorrent.Metainfo;

/// <summary>
/// A validated info dictionary (BEP 3): name, piece length and hashes, the file layout with BEP 47 pad files, the
/// BEP 27 private flag and the info hash, computed from the exact bytes of the dictionary.
/// </summary>
public sealed class TorrentInfo
{
    private readonly ReadOnlyMemory<byte> _pieceHashes;

    private TorrentInfo(ReadOnlyMemory<byte> raw, string name, int pieceLength, ReadOnlyMemory<byte> pieceHashes,
        IReadOnlyList<TorrentFile> files, long totalLength, bool isPrivate, bool isMultiFile)
    {
        RawInfo = raw;
        InfoHash = InfoHash.FromInfoDictionary(raw.Span);
        Name = name;
        PieceLength = pieceLength;
        _pieceHashes = pieceHashes;
        PieceCount = pieceHashes.Length / 20;
        Files = files;
        TotalLength = totalLength;
        IsPrivate = isPrivate;
        IsMultiFile = isMultiFile;
    }

    /// <summary>The SHA-1 of <see cref="RawInfo"/>.</summary>
    public InfoHash InfoHash { get; }

    /// <summary>The torrent's name: the file name of a single-file torrent, the directory name of a multi-file one.</summary>
    public string Name { get; }

    /// <summary>The number of bytes in each piece but the last.</summary>
    public int PieceLength { get; }

    /// <summary>The number of pieces.</summary>
    public int PieceCount { get; }

    /// <summary>The sum of all file lengths, pad files included.</summary>
    public long TotalLength { get; }

    /// <summary>The files in torrent order; in a multi-file torrent every path starts with <see cref="Name"/>.</summary>
    public IReadOnlyList<TorrentFile> Files { get; }

    /// <summary>True for a multi-file torrent (a <c>files</c> list), false for a single file (<c>length</c>).</summary>
    public bool IsMultiFile { get; }

    /// <summary>BEP 27: peers come from the torrent's trackers only (no DHT, no PEX).</summary>
    public bool IsPrivate { get; }

    /// <summary>The exact bytes of the bencoded info dictionary (what the info hash and ut_metadata cover).</summary>
    public ReadOnlyMemory<byte> RawInfo { get; }

    /// <summary>The 20-byte SHA-1 of piece <paramref name="piece"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="piece"/> is not a piece index.</exception>
    public ReadOnlySpan<byte> GetPieceHash(int piece)
    {
        CheckPiece(piece);
        return _pieceHashes.Span.Slice(piece * 20, 20);
    }

    /// <summary>The size of piece <paramref name="piece"/>: <see cref="PieceLength"/>, or less for the last piece.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="piece"/> is not a piece index.</exception>
    public int GetPieceSize(int piece)
    {
        CheckPiece(piece);
        return piece < PieceCount - 1 ? PieceLength : (int)(TotalLength - (long)PieceLength * (PieceCount - 1));
    }

    /// <summary>The index of the first file whose bytes include <paramref name="offset"/> (skipping empty files).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is outside the torrent.</exception>
    public int FindFile(long offset)
    {
        if ((ulong)offset >= (ulong)TotalLength) throw new ArgumentOutOfRangeException(nameof(offset));
        int low = 0, high = Files.Count - 1;
        while (low < high)
        {
            int mid = (low + high + 1) >>> 1;
            if (Files[mid].Offset <= offset) low = mid; else high = mid - 1;
        }
        while (Files[low].Length == 0 || Files[low].End <= offset) low++;
        return low;
    }

    /// <summary>The pieces that hold bytes of file <paramref name="file"/>, as a start index and a count (zero for an empty file).</summary>
    public (int First, int Count) GetPieceRange(int file)
    {
        var f = Files[file];
        if (f.Length == 0) return (0, 0);
        int first = (int)(f.Offset / PieceLength);
        int last = (int)((f.End - 1) / PieceLength);
        return (first, last - first + 1);
    }

    /// <summary>
    /// Parses and validates a bencoded info dictionary, for example metadata fetched with ut_metadata (check that its
    /// SHA-1 is the expected info hash first, or compare <see cref="InfoHash"/> after).
    /// </summary>
    /// <exception cref="MetainfoException">The dictionary is malformed, unsafe or exceeds <paramref name="limits"/>.</exception>
    public static TorrentInfo Parse(ReadOnlySpan<byte> rawInfo, MetainfoLimits? limits = null)
    {
        limits ??= MetainfoLimits.Default;
        if (rawInfo.Length > limits.MaxTorrentSize)
            throw new MetainfoException(MetainfoError.TooLarge, $"info dictionary of {rawInfo.Length} bytes exceeds {limits.MaxTorrentSize}");
        var raw = rawInfo.ToArray();
        var info = MetainfoReader.DecodeDictionary(raw, limits);
        return FromDictionary(info, raw, limits);
    }

    internal static TorrentInfo FromDictionary(BDictionary info, ReadOnlyMemory<byte> raw, MetainfoLimits limits)
    {
        var pieces = info.TryGetValue("pieces", out var p) ? p as BString : null;
        if (pieces is null && info.GetInteger("meta version") == 2)
            throw new MetainfoException(MetainfoError.UnsupportedVersion, "a BitTorrent v2-only torrent (no 'pieces'); only v1 and hybrid torrents are supported");
        var name = MetainfoReader.RequireUtf8(info, "name");
        PathValidator.ValidateComponent(name, limits);
        long pieceLength = MetainfoReader.RequireInteger(info, "piece length");
        if (pieceLength <= 0 || pieceLength > limits.MaxPieceLength)
            throw new MetainfoException(MetainfoError.InvalidPieceLength, $"piece length {pieceLength} is outside 1..{limits.MaxPieceLength}");
        var hashes = (pieces ?? throw MetainfoReader.Missing("pieces")).Bytes;
        if (hashes.Length % 20 != 0)
            throw new MetainfoException(MetainfoError.PieceCountMismatch, $"'pieces' is {hashes.Length} bytes, not a multiple of 20");
        if (hashes.Length / 20 > limits.MaxPieces)
            throw new MetainfoException(MetainfoError.TooManyPieces, $"{hashes.Length / 20} pieces exceed the limit of {limits.MaxPieces}");

        bool hasLength = info.ContainsKey("length"), hasFiles = info.ContainsKey("files");
        if (hasLength == hasFiles)
            throw new MetainfoException(MetainfoError.AmbiguousLayout, hasLength ? "both 'length' and 'files'" : "neither 'length' nor 'files'");
        var files = hasLength
            ? [new TorrentFile(name, 0, FileListReader.CheckLength(MetainfoReader.RequireInteger(info, "length")), IsPadding: false)]
            : FileListReader.Read(info, name, limits);
        long total = files.Count == 0 ? 0 : files[^1].End;
        if (total == 0) throw new MetainfoException(MetainfoError.EmptyTorrent, "the torrent holds no data");
        long expected = (total + pieceLength - 1) / pieceLength;
        if (expected != hashes.Length / 20)
            throw new MetainfoException(MetainfoError.PieceCountMismatch, $"{hashes.Length / 20} piece hashes for {total} bytes in pieces of {pieceLength} (expected {expected})");
        return new TorrentInfo(raw, name, (int)pieceLength, hashes, files, total, info.GetInteger("private") == 1, hasFiles);
    }

    private void CheckPiece(int piece)
    {
        if ((uint)piece >= (uint)PieceCount)
            throw new ArgumentOutOfRangeException(nameof(piece), $"piece {piece} outside 0..{PieceCount - 1}");
    }
}
