using System.Collections.Concurrent;
using BitTorrent.Metainfo;
using BitTorrent.Storage;
using BitTorrent.Wire;

namespace BitTorrent.Client.Tests;

/// <summary>Stopping a torrent writes its resume data and finishes every resume write before the files are closed.</summary>
public sealed class ResumeOnStopTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    // Found by the swarm soak (bench/BitTorrent.Soak): a leecher's directory, deleted right after RemoveAsync, got its
    // resume file back from a write still in flight; and the write meant for the stop itself was skipped.
    [Fact]
    public async Task RemoveAsync_returns_after_the_final_resume_write_and_no_write_overlaps_closing_the_files()
    {
        using var content = await TestContent.CreateAsync([200_000, 70_000], pieceLength: 64 * 1024);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ResumeWatchingStorage? storage = null;
        var options = LoopbackSwarmTests.LoopbackOptions() with
        {
            StorageFactory = (info, torrent) => storage = new ResumeWatchingStorage(info, torrent, gate.Task),
        };
        await using var engine = await ClientEngine.StartAsync(options);
        var session = await engine.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.SeedDirectory });
        await session.WaitForCompletionAsync().WaitAsync(Bound);

        var remove = engine.RemoveAsync(session).AsTask();
        await storage!.SaveEntered.Task.WaitAsync(Bound); // the write on completion, held at the gate
        gate.SetResult();
        await remove.WaitAsync(Bound);

        Assert.False(storage.Overlapped, "a resume write ran while or after the files were closed");
        int pieces = content.Torrent.Info.PieceCount;
        Assert.Equal([pieces, pieces], storage.Saved); // on completion, then on stop
    }

    /// <summary>Real files whose resume writes wait for a gate, recording whether one runs while or after the files close.</summary>
    private sealed class ResumeWatchingStorage(TorrentInfo info, TorrentOptions options, Task gate) : IPieceStorage
    {
        private readonly FilePieceStorage _inner = new(info, options);
        private int _saving;
        private volatile bool _disposed;

        public TaskCompletionSource SaveEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The piece count of every finished resume write, in order.</summary>
        public ConcurrentQueue<int> Saved { get; } = new();

        public bool Overlapped { get; private set; }

        public ValueTask<BitField> CheckAsync(CancellationToken cancellationToken) => _inner.CheckAsync(cancellationToken);

        public ValueTask WritePieceAsync(int piece, ReadOnlyMemory<byte> data, PageCache cache, CancellationToken cancellationToken) =>
            _inner.WritePieceAsync(piece, data, cache, cancellationToken);

        public ValueTask ReadAsync(int piece, int begin, Memory<byte> destination, CancellationToken cancellationToken) =>
            _inner.ReadAsync(piece, begin, destination, cancellationToken);

        public BitField FindLostPieces() => _inner.FindLostPieces();

        public ValueTask SetFilePriorityAsync(int file, FilePriority priority, CancellationToken cancellationToken) =>
            _inner.SetFilePriorityAsync(file, priority, cancellationToken);

        public async ValueTask SaveResumeAsync(BitField have, CancellationToken cancellationToken)
        {
            if (_disposed) Overlapped = true;
            Interlocked.Increment(ref _saving);
            SaveEntered.TrySetResult();
            await gate.WaitAsync(cancellationToken);
            await _inner.SaveResumeAsync(have, cancellationToken);
            Saved.Enqueue(have.Count);
            Interlocked.Decrement(ref _saving);
        }

        public ValueTask DisposeAsync()
        {
            if (Volatile.Read(ref _saving) > 0) Overlapped = true;
            _disposed = true;
            return _inner.DisposeAsync();
        }
    }
}
