using BitTorrent.Storage;
using BitTorrent.Wire;

namespace BitTorrent.Client.Tests.Simulation;

/// <summary>
/// A torrent's pieces in memory for one simulated peer: the pieces it starts with, those it verifies, every block it
/// serves (with the virtual time), and a switch that makes it stop answering requests. Blocks are generated from the
/// <see cref="SimulatedContent"/>, written pieces are checked against it.
/// </summary>
internal sealed class SimulatedStorage : IPieceStorage
{
    private readonly SimulatedContent _content;
    private readonly SimulatedNetwork _network;
    private readonly BitField _have;
    private readonly List<ServedBlock> _served = [];
    private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopAnswering;
    private volatile Task _writeGate = Task.CompletedTask;
    private int _writesStarted;
    private int _writesBypassingCache;
    private int _writesInFlight;
    private int _writesHeld;

    /// <summary>Storage that starts with the pieces for which <paramref name="initial"/> is true.</summary>
    public SimulatedStorage(SimulatedContent content, SimulatedNetwork network, Func<int, bool> initial)
    {
        _content = content;
        _network = network;
        _have = new BitField(content.Info.PieceCount);
        for (int p = 0; p < content.Info.PieceCount; p++) if (initial(p)) _have.Set(p);
    }

    /// <summary>One block served to a peer.</summary>
    public readonly record struct ServedBlock(TimeSpan Time, int Piece, int Begin);

    /// <summary>The blocks served so far, in order.</summary>
    public IReadOnlyList<ServedBlock> Served
    {
        get { lock (_served) return [.. _served]; }
    }

    /// <summary>Pieces written that differ from the content (never expected: the engine hash-checks first).</summary>
    public int CorruptWrites { get; private set; }

    /// <summary>From now on every read waits until the connection closes: the peer keeps its connection and answers nothing.</summary>
    public void StopAnswering() => _stopAnswering = true;

    /// <summary>True when the piece is held.</summary>
    public bool Has(int piece)
    {
        lock (_have) return _have[piece];
    }

    public ValueTask<BitField> CheckAsync(CancellationToken cancellationToken)
    {
        lock (_have)
        {
            var copy = new BitField(_have.Length);
            for (int p = 0; p < _have.Length; p++) if (_have[p]) copy.Set(p);
            return ValueTask.FromResult(copy);
        }
    }

    /// <summary>From now on every write waits until the returned source completes (a disk that has fallen behind).</summary>
    public TaskCompletionSource HoldWrites()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _writeGate = gate.Task;
        return gate;
    }

    /// <summary>Writes waiting for <see cref="HoldWrites"/>'s source (the engine is not busy with them).</summary>
    public int HeldWrites => Volatile.Read(ref _writesHeld);

    /// <summary>Piece writes the engine asked to go past the page cache (<see cref="PageCache.Bypass"/>).</summary>
    public int WritesBypassingCache => Volatile.Read(ref _writesBypassingCache);

    /// <summary>Pieces whose write has started (including those held).</summary>
    public int WritesStarted => Volatile.Read(ref _writesStarted);

    /// <summary>True when the storage was disposed while a write had not ended.</summary>
    public bool DisposedDuringWrite { get; private set; }

    public async ValueTask WritePieceAsync(int piece, ReadOnlyMemory<byte> data, PageCache cache, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _writesStarted);
        if (cache == PageCache.Bypass) Interlocked.Increment(ref _writesBypassingCache);
        Interlocked.Increment(ref _writesInFlight);
        bool held = !_writeGate.IsCompleted;
        if (held) Interlocked.Increment(ref _writesHeld);
        try
        {
            // A write the disk has taken is not called back: the token is not watched while it is held.
            await _writeGate.ConfigureAwait(false);
        }
        finally
        {
            if (held) Interlocked.Decrement(ref _writesHeld);
            Interlocked.Decrement(ref _writesInFlight);
        }
        _network.Touch();
        if (!_content.Matches((long)piece * _content.Info.PieceLength, data.Span)) CorruptWrites++;
        lock (_have) _have.Set(piece);
    }

    public async ValueTask ReadAsync(int piece, int begin, Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (_stopAnswering) await _stalled.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!Has(piece)) throw new InvalidOperationException($"piece {piece} is not held");
        _content.Fill((long)piece * _content.Info.PieceLength + begin, destination.Span);
        lock (_served) _served.Add(new ServedBlock(_network.Elapsed, piece, begin));
        _network.Touch();
    }

    public BitField FindLostPieces() => new(_content.Info.PieceCount);

    /// <summary>Every piece is kept in memory whatever its files' priorities: nothing to create or move.</summary>
    public ValueTask SetFilePriorityAsync(int file, FilePriority priority, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask SaveResumeAsync(BitField have, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _writesInFlight) > 0) DisposedDuringWrite = true;
        return ValueTask.CompletedTask;
    }
}
