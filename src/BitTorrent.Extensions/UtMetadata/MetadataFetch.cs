namespace BitTorrent.Extensions;

/// <summary>
/// One metadata download for one torrent, shared by the <see cref="UtMetadata"/> of every wire that offers it: the
/// wires split the pieces between them (a piece already asked of one wire goes to another only when nothing else is
/// missing), store what arrives in one <see cref="MetadataAssembler"/>, and the first wire to complete a verified copy
/// raises <see cref="MetadataReceived"/>, once. Use one per torrent:
/// <c>var fetch = new MetadataFetch(infoHash); wire.Use(w =&gt; new UtMetadata(w, fetch)).Fetch();</c>
/// </summary>
/// <remarks>
/// Memory: one assembly per torrent, holding the pieces that arrived (16 KiB each), never the size a peer advertised.
/// The first wire to join sets <see cref="Size"/>; a wire whose peer advertises another size does not take part while
/// that assembly is under way. When a complete assembly fails the hash check it is dropped and the next wire to ask
/// starts a new one (with its peer's size). Thread-safe: wires feed it from their own read loops.
/// </remarks>
public sealed class MetadataFetch
{
    private readonly Lock _gate = new();
    private MetadataAssembler? _assembler;
    private int[] _claims = [];
    private byte[]? _metadata;

    /// <summary>Creates a fetch for the info dictionary whose SHA-1 is <paramref name="infoHash"/>.</summary>
    public MetadataFetch(InfoHash infoHash) => InfoHash = infoHash;

    /// <summary>The info hash the metadata must match.</summary>
    public InfoHash InfoHash { get; }

    /// <summary>The size of the info dictionary being assembled (or assembled); null before a wire joined.</summary>
    public int? Size
    {
        get { lock (_gate) return _metadata?.Length ?? _assembler?.Size; }
    }

    /// <summary>True once a verified copy is known.</summary>
    public bool IsComplete
    {
        get { lock (_gate) return _metadata is not null; }
    }

    /// <summary>The verified raw info dictionary, once known; null before.</summary>
    public ReadOnlyMemory<byte>? Metadata
    {
        get { lock (_gate) return _metadata; }
    }

    /// <summary>The verified bytes themselves, shared (not copied) with the wires that serve them.</summary>
    internal byte[]? VerifiedBytes
    {
        get { lock (_gate) return _metadata; }
    }

    /// <summary>How many distinct pieces of the current assembly have arrived.</summary>
    public int ReceivedPieceCount
    {
        get { lock (_gate) return _assembler?.ReceivedCount ?? 0; }
    }

    /// <summary>The bytes held for pieces that arrived and are not verified yet (0 before any and after completion).</summary>
    public long BufferedBytes
    {
        get { lock (_gate) return _assembler?.BufferedBytes ?? 0; }
    }

    /// <summary>The metadata was assembled and verified; raised once, on the read loop of the wire that delivered the last piece.</summary>
    public event EventHandler<MetadataEventArgs>? MetadataReceived;

    /// <summary>Joins the assembly of a <paramref name="size"/>-byte dictionary, starting one when none is under way.</summary>
    /// <returns>False when another size is being assembled or the metadata is already known.</returns>
    internal bool TryJoin(int size)
    {
        lock (_gate)
        {
            if (_metadata is not null) return false;
            if (_assembler is null)
            {
                _assembler = new MetadataAssembler(InfoHash, size);
                _claims = new int[_assembler.PieceCount];
            }
            return _assembler.Size == size;
        }
    }

    /// <summary>
    /// A missing piece for a wire that has <paramref name="mine"/> outstanding: one no wire has asked for, else one
    /// asked of another wire (so a slow wire does not hold the last pieces); -1 when there is none.
    /// </summary>
    internal int Claim(IReadOnlySet<int> mine)
    {
        lock (_gate)
        {
            if (_assembler is not { } assembler) return -1;
            int shared = -1;
            foreach (int piece in assembler.MissingPieces())
            {
                if (mine.Contains(piece)) continue;
                if (_claims[piece] == 0)
                {
                    _claims[piece]++;
                    return piece;
                }
                if (shared < 0) shared = piece;
            }
            if (shared >= 0) _claims[shared]++;
            return shared;
        }
    }

    /// <summary>A wire no longer waits for <paramref name="pieces"/> (answered, rejected, or the wire stopped).</summary>
    internal void Release(IEnumerable<int> pieces)
    {
        lock (_gate)
        {
            foreach (int piece in pieces)
                if (piece >= 0 && piece < _claims.Length && _claims[piece] > 0) _claims[piece]--;
        }
    }

    /// <summary>Stores a piece of a <paramref name="size"/>-byte dictionary; completes and verifies the assembly when it was the last.</summary>
    internal MetadataFetchResult Add(int size, int piece, ReadOnlySpan<byte> data, out byte[]? info)
    {
        info = null;
        lock (_gate)
        {
            if (_metadata is not null) return MetadataFetchResult.AlreadyComplete;
            if (_assembler is not { } assembler || assembler.Size != size) return MetadataFetchResult.OtherSize;
            var stored = assembler.Add(piece, data);
            if (stored == MetadataPieceResult.Duplicate) return MetadataFetchResult.Duplicate;
            if (stored != MetadataPieceResult.Accepted) return MetadataFetchResult.Invalid;
            if (!assembler.IsComplete) return MetadataFetchResult.Stored;
            _assembler = null;
            _claims = [];
            if (!assembler.TryComplete(out var verified)) return MetadataFetchResult.HashMismatch;
            _metadata = verified;
            info = verified;
            return MetadataFetchResult.Completed;
        }
    }

    /// <summary>Raises <see cref="MetadataReceived"/> (by the wire whose piece completed the fetch, outside every lock).</summary>
    internal void RaiseMetadataReceived(MetadataEventArgs e) => MetadataReceived?.Invoke(this, e);
}

/// <summary>What <see cref="MetadataFetch"/> did with a piece.</summary>
internal enum MetadataFetchResult
{
    /// <summary>Stored; pieces are still missing.</summary>
    Stored,
    /// <summary>Already stored (from this or another wire); ignored.</summary>
    Duplicate,
    /// <summary>The index or length is wrong; nothing stored.</summary>
    Invalid,
    /// <summary>The last piece: the metadata verified.</summary>
    Completed,
    /// <summary>The last piece: the assembly failed the hash check and was dropped.</summary>
    HashMismatch,
    /// <summary>The fetch assembles another size (or none): the piece was not stored.</summary>
    OtherSize,
    /// <summary>The metadata is already known.</summary>
    AlreadyComplete,
}
