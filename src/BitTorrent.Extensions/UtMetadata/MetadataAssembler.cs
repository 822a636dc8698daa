using System.Security.Cryptography;

namespace BitTorrent.Extensions;

/// <summary>
/// Collects the 16 KiB pieces of an info dictionary fetched with ut_metadata and checks the result against the info
/// hash. Every piece index and length is validated; the verified bytes are exactly the bytes received (never re-encoded),
/// so their SHA-1 is the info hash even when the dictionary is not canonical bencode.
/// </summary>
/// <remarks>
/// Memory grows with what arrives, not with what a peer advertises: each piece gets its own 16 KiB buffer when it is
/// stored (<see cref="BufferedBytes"/>), so a peer claiming a 10 MB info dictionary and sending one piece makes us hold
/// 16 KiB. The pieces are hashed in place and joined into one array only once they verify.
/// </remarks>
public sealed class MetadataAssembler
{
    private readonly byte[]?[] _pieces;

    /// <summary>Prepares to collect a <paramref name="size"/>-byte info dictionary whose SHA-1 is <paramref name="infoHash"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not from 1 to <see cref="MetadataMessage.MaxMetadataSize"/>.</exception>
    public MetadataAssembler(InfoHash infoHash, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MetadataMessage.MaxMetadataSize);
        InfoHash = infoHash;
        Size = size;
        PieceCount = GetPieceCount(size);
        _pieces = new byte[PieceCount][];
    }

    /// <summary>The info hash the assembled bytes must match.</summary>
    public InfoHash InfoHash { get; }

    /// <summary>The size of the info dictionary in bytes.</summary>
    public int Size { get; }

    /// <summary>The number of pieces, <c>ceil(Size / 16384)</c>.</summary>
    public int PieceCount { get; }

    /// <summary>How many distinct pieces have been stored.</summary>
    public int ReceivedCount { get; private set; }

    /// <summary>The bytes held for stored pieces: the sum of their lengths (nothing is allocated for missing pieces).</summary>
    public long BufferedBytes { get; private set; }

    /// <summary>True when every piece has been stored (not yet verified).</summary>
    public bool IsComplete => ReceivedCount == PieceCount;

    /// <summary>The number of pieces of a <paramref name="size"/>-byte info dictionary.</summary>
    public static int GetPieceCount(int size) => (size + MetadataMessage.PieceLength - 1) / MetadataMessage.PieceLength;

    /// <summary>The exact length piece <paramref name="piece"/> must have: 16 KiB, or the remainder for the last piece.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    public int GetPieceLength(int piece)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(piece);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(piece, PieceCount);
        return piece < PieceCount - 1 ? MetadataMessage.PieceLength : Size - piece * MetadataMessage.PieceLength;
    }

    /// <summary>True when piece <paramref name="piece"/> has been stored.</summary>
    public bool HasPiece(int piece) => piece >= 0 && piece < PieceCount && _pieces[piece] is not null;

    /// <summary>The indices of the pieces not stored yet, in ascending order.</summary>
    public IEnumerable<int> MissingPieces()
    {
        for (int i = 0; i < PieceCount; i++)
            if (_pieces[i] is null) yield return i;
    }

    /// <summary>Stores a copy of piece <paramref name="piece"/> after checking its index and exact length.</summary>
    public MetadataPieceResult Add(int piece, ReadOnlySpan<byte> data)
    {
        if (piece < 0 || piece >= PieceCount) return MetadataPieceResult.InvalidIndex;
        if (data.Length != GetPieceLength(piece)) return MetadataPieceResult.InvalidLength;
        if (_pieces[piece] is not null) return MetadataPieceResult.Duplicate;
        _pieces[piece] = data.ToArray();
        BufferedBytes += data.Length;
        ReceivedCount++;
        return MetadataPieceResult.Accepted;
    }

    /// <summary>
    /// When every piece is stored, checks SHA-1(bytes) against <see cref="InfoHash"/>. On a match, hands out the bytes;
    /// on a mismatch, forgets every piece (so they can be fetched again) and returns false.
    /// </summary>
    /// <param name="info">The verified raw info dictionary, when true is returned.</param>
    /// <exception cref="InvalidOperationException">Some pieces are still missing.</exception>
    public bool TryComplete(out byte[] info)
    {
        if (!IsComplete) throw new InvalidOperationException($"{PieceCount - ReceivedCount} of {PieceCount} metadata pieces are missing");
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        foreach (var piece in _pieces) sha1.AppendData(piece!);
        Span<byte> hash = stackalloc byte[InfoHash.Length];
        sha1.GetHashAndReset(hash);
        if (!hash.SequenceEqual(InfoHash.Span))
        {
            Reset();
            info = [];
            return false;
        }
        info = new byte[Size];
        for (int i = 0; i < PieceCount; i++) _pieces[i].CopyTo(info.AsSpan(i * MetadataMessage.PieceLength));
        Reset();
        return true;
    }

    /// <summary>Forgets (and releases) every stored piece.</summary>
    public void Reset()
    {
        Array.Clear(_pieces);
        ReceivedCount = 0;
        BufferedBytes = 0;
    }
}
