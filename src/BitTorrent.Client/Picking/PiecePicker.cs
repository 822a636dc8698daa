using BitTorrent.Wire;

namespace BitTorrent.Client;

/// <summary>
/// Decides which blocks to request from which peer, and keeps the block-level bookkeeping of a torrent's download:
/// availability of every piece among the connected peers, our verified pieces, per-piece priorities (0 = skip),
/// rarest first with a random tie-break, random pieces until the first few are verified, partial pieces finished
/// first (a peer first finishes the piece it started), a sequential mode, BEP 6 suggest and allowed-fast, and end-game
/// with duplicate requests and the cancels they need.
/// </summary>
/// <remarks>
/// Not thread-safe, by design: one torrent's loop owns it (the engine's state has one owner), so no method locks.
/// Costs: a have, donthave or a key change is O(1); starting or dropping a piece is O(<see cref="PieceOrder.KeyCount"/>)
/// at worst; a bitfield or a disconnect is O(pieces); picking scans the pieces in order until it has enough blocks.
/// </remarks>
public sealed partial class PiecePicker
{
    /// <summary>The size of a block (16 KiB); the last block of the last piece may be shorter.</summary>
    public const int BlockSize = 16 * 1024;

    /// <summary>The default priority of a piece.</summary>
    public const byte DefaultPriority = 4;

    /// <summary>The highest priority.</summary>
    public const byte MaxPriority = 7;

    private readonly PiecePickerOptions _options;
    private readonly Random _random;
    private readonly byte[] _priority;
    private readonly int[] _availability; // peers with the piece, not counting seeds
    private readonly bool[] _have;
    private readonly PieceOrder _order;
    private readonly Dictionary<int, DownloadingPiece> _downloading = [];
    private readonly List<DownloadingPiece> _open = []; // downloading pieces with free blocks
    private readonly Stack<DownloadingPiece> _pool = new();
    private readonly Dictionary<PeerHandle, PickerPeer> _peers = [];
    private readonly List<PeerHandle> _cancel = [];
    private int _seeds;
    private int _wantedMissing;
    private int _sequentialCursor;

    /// <summary>Creates a picker for a torrent of <paramref name="pieceCount"/> pieces, all wanted at the default priority.</summary>
    /// <param name="pieceCount">The number of pieces.</param>
    /// <param name="pieceLength">The length of every piece but the last.</param>
    /// <param name="totalLength">The torrent's length in bytes (fixes the last piece's length).</param>
    /// <param name="options">Tuning; null for the defaults.</param>
    public PiecePicker(int pieceCount, int pieceLength, long totalLength, PiecePickerOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pieceCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pieceLength);
        if (totalLength > (long)pieceCount * pieceLength || (pieceCount > 0 && totalLength <= (long)(pieceCount - 1) * pieceLength))
            throw new ArgumentOutOfRangeException(nameof(totalLength), "the length does not match the piece count and piece length");
        _options = options ?? new PiecePickerOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.EndGameRequestsPerBlock, nameof(options));
        PieceCount = pieceCount;
        PieceLength = pieceLength;
        TotalLength = totalLength;
        _random = _options.RandomSeed is int seed ? new Random(seed) : new Random();
        _priority = new byte[pieceCount];
        Array.Fill(_priority, DefaultPriority);
        _availability = new int[pieceCount];
        _have = new bool[pieceCount];
        _wantedMissing = pieceCount;
        _order = new PieceOrder(pieceCount, _random);
        RebuildOrder();
    }

    /// <summary>The number of pieces.</summary>
    public int PieceCount { get; }

    /// <summary>The length of every piece but the last.</summary>
    public int PieceLength { get; }

    /// <summary>The torrent's length in bytes.</summary>
    public long TotalLength { get; }

    /// <summary>The number of verified pieces.</summary>
    public int HaveCount { get; private set; }

    /// <summary>True when every piece with a non-zero priority is verified.</summary>
    public bool IsFinished => _wantedMissing == 0;

    /// <summary>
    /// Sequential mode: new pieces are started in index order from the first missing wanted piece instead of rarest
    /// first (partial pieces are still finished first). The request pipeline keeps the following pieces in flight.
    /// </summary>
    public bool Sequential { get; set; }

    /// <summary>The number of connected peers known to the picker.</summary>
    public int PeerCount => _peers.Count;

    /// <summary>The length of piece <paramref name="piece"/>.</summary>
    public int PieceSize(int piece)
    {
        CheckPiece(piece);
        return piece == PieceCount - 1 ? (int)(TotalLength - (long)piece * PieceLength) : PieceLength;
    }

    /// <summary>The number of blocks of piece <paramref name="piece"/>.</summary>
    public int BlockCount(int piece) => (PieceSize(piece) + BlockSize - 1) / BlockSize;

    /// <summary>True when piece <paramref name="piece"/> is verified.</summary>
    public bool HasPiece(int piece)
    {
        CheckPiece(piece);
        return _have[piece];
    }

    /// <summary>True when every block of <paramref name="piece"/> is received and the piece awaits its hash check (or is verified).</summary>
    public bool IsPieceComplete(int piece)
    {
        CheckPiece(piece);
        return _have[piece] || (_downloading.TryGetValue(piece, out var d) && d.IsComplete);
    }

    /// <summary>True when we want piece <paramref name="piece"/>: a non-zero priority and not verified.</summary>
    public bool WantsPiece(int piece)
    {
        CheckPiece(piece);
        return _priority[piece] != 0 && !_have[piece];
    }

    /// <summary>The number of connected peers that have <paramref name="piece"/>.</summary>
    public int Availability(int piece)
    {
        CheckPiece(piece);
        return _availability[piece] + _seeds;
    }

    /// <summary>The priority of <paramref name="piece"/> (0 = skip, 1..7, default 4).</summary>
    public byte GetPiecePriority(int piece)
    {
        CheckPiece(piece);
        return _priority[piece];
    }

    /// <summary>Sets the priority of one piece (0 = skip, 1..7; higher values are taken as 7).</summary>
    public void SetPiecePriority(int piece, byte priority)
    {
        CheckPiece(piece);
        priority = Math.Min(priority, MaxPriority);
        if (_priority[piece] == priority) return;
        bool candidate = _order.Contains(piece);
        if (candidate) _order.Remove(piece, KeyOf(piece));
        if (!_have[piece]) _wantedMissing += (priority != 0 ? 1 : 0) - (_priority[piece] != 0 ? 1 : 0);
        _priority[piece] = priority;
        if (IsCandidate(piece)) _order.Add(piece, KeyOf(piece));
        _sequentialCursor = 0;
    }

    /// <summary>Sets every piece's priority at once (see <see cref="PiecePriorities.FromFiles"/>); O(pieces).</summary>
    public void SetPiecePriorities(ReadOnlySpan<byte> priorities)
    {
        if (priorities.Length != PieceCount) throw new ArgumentException("one priority per piece is needed", nameof(priorities));
        _wantedMissing = 0;
        for (int p = 0; p < PieceCount; p++)
        {
            _priority[p] = Math.Min(priorities[p], MaxPriority);
            if (_priority[p] != 0 && !_have[p]) _wantedMissing++;
        }
        _sequentialCursor = 0;
        RebuildOrder();
    }

    /// <summary>Records piece <paramref name="piece"/> as verified (after its hash check, or from resume data).</summary>
    public void OnPieceVerified(int piece)
    {
        CheckPiece(piece);
        if (_have[piece]) return;
        if (_order.Contains(piece)) _order.Remove(piece, KeyOf(piece));
        if (_downloading.Remove(piece, out var d)) Recycle(d);
        _have[piece] = true;
        HaveCount++;
        if (_priority[piece] != 0) _wantedMissing--;
    }

    /// <summary>Records a verified piece as lost (the data on disk was found bad or gone): it is wanted again.</summary>
    public void OnPieceLost(int piece)
    {
        CheckPiece(piece);
        if (!_have[piece]) return;
        _have[piece] = false;
        HaveCount--;
        if (_priority[piece] != 0) _wantedMissing++;
        if (IsCandidate(piece)) _order.Add(piece, KeyOf(piece));
        _sequentialCursor = Math.Min(_sequentialCursor, piece);
    }

    private bool IsCandidate(int piece) => _priority[piece] != 0 && !_have[piece] && !_downloading.ContainsKey(piece);

    private int KeyOf(int piece) => PieceOrder.Key(_priority[piece], _availability[piece]);

    private void RebuildOrder() => _order.Rebuild(p => IsCandidate(p) ? KeyOf(p) : -1);

    private void CheckPiece(int piece)
    {
        if ((uint)piece >= (uint)PieceCount) throw new ArgumentOutOfRangeException(nameof(piece), $"piece {piece} outside 0..{PieceCount - 1}");
    }
}
