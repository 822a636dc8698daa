using System.Security.Cryptography;
using BitTorrent.Metainfo;
using BitTorrent.Storage;
using BitTorrent.Wire;
using Microsoft.Extensions.Logging;

namespace BitTorrent.Client;

public sealed partial class TorrentSession
{
    private volatile IPieceStorage? _storage;

    // The latest resume write (loop only). Writes run one after another, and stopping waits for the last before it
    // closes the files, so no resume file appears after StopAsync.
    private Task _resumeWrite = Task.CompletedTask;

    /// <summary>Opens the files and checks what is already there (off the loop), then downloads or seeds.</summary>
    private void BeginCheck(TorrentInfo info)
    {
        SetState(TorrentState.CheckingFiles);
        _ = Task.Run(async () =>
        {
            IPieceStorage? storage = null;
            try
            {
                storage = OpenStorage(info);
                var have = await storage.CheckAsync(_stopping.Token).ConfigureAwait(false);
                _loop.Post(() => OnChecked(info, storage, have));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                if (storage is not null) await storage.DisposeAsync().ConfigureAwait(false);
                if (ex is not OperationCanceledException) _loop.Post(() => Fail($"checking the files failed: {ex.Message}", ex));
            }
        });
    }

    private void OnChecked(TorrentInfo info, IPieceStorage storage, BitField have)
    {
        if (_state != TorrentState.CheckingFiles)
        {
            _ = storage.DisposeAsync().AsTask();
            return;
        }
        _storage = storage;
        var picker = new PiecePicker(info.PieceCount, info.PieceLength, info.TotalLength) { Sequential = Options.Sequential };
        if (FileSelection.FilePriorities(info, Options) is { } files) picker.SetPiecePriorities(FileSelection.PiecePriorities(info, files));
        _picker = picker;
        _servable = new bool[info.PieceCount];
        _have = new BitField(info.PieceCount);
        Interlocked.Exchange(ref _wantedBytes, CountWanted(picker, info).Wanted);
        _wantedKnown = true;
        for (int p = 0; p < info.PieceCount; p++)
        {
            if (!have[p]) continue;
            picker.OnPieceVerified(p);
            MarkVerified(p);
        }
        _logger.LogInformation("{Torrent}: {Have} of {Pieces} pieces on disk", Name, _have.Count, info.PieceCount);
        foreach (var peer in _peers)
        {
            AddToPicker(peer);
            for (int p = 0; p < info.PieceCount; p++) if (_have[p]) peer.Wire.Have(p);
        }
        if (picker.IsFinished)
        {
            SetState(TorrentState.Downloading);
            OnDownloadFinished(downloadedNow: false);
        }
        else SetState(TorrentState.Downloading);
        foreach (var peer in _peers) UpdateInterest(peer);
        Rechoke();
        StartTrackers();
        ConnectMore();
    }

    /// <summary>Our pieces to a newly admitted peer: a bitfield, or have-all / have-none with Fast.</summary>
    private void SendPieces(Peer peer)
    {
        var wire = peer.Wire;
        int count = _have.Count;
        if (wire.HasFast && count == 0) wire.HaveNone();
        else if (wire.HasFast && count == _info!.PieceCount) wire.HaveAll();
        else if (count > 0) wire.Bitfield(_have);
        AddToPicker(peer);
    }

    private void SaveResume()
    {
        if (_storage is { } storage) SaveResume(storage);
    }

    private void SaveResume(IPieceStorage storage)
    {
        if (_have.Length == 0) return;
        _resumeDirty = false;
        var have = new BitField(_have.Length);
        for (int p = 0; p < _have.Length; p++) if (_have[p]) have.Set(p);
        var previous = _resumeWrite;
        _resumeWrite = Task.Run(async () =>
        {
            await previous.ConfigureAwait(false);
            try
            {
                await storage.SaveResumeAsync(have, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException or InvalidOperationException)
            {
                _logger.LogWarning(ex, "{Torrent}: writing resume data failed", Name);
            }
        });
    }

    /// <summary>
    /// Hashes the complete piece on a disk worker, writes it when it matches, and posts the outcome back. Hashing runs on
    /// up to <see cref="EngineOptions.DiskWorkers"/> pieces at once; the writes of one torrent go one at a time (after
    /// the hash, outside the worker slot): two buffered writes into one file take turns on its inode lock anyway, and the
    /// kernel spun the waiting one on the other core (a tenth of a 1 GiB download's busy CPU in one profile).
    /// </summary>
    private void Verify(PieceBuffer buffer)
    {
        buffer.Sealed = true;
        _queuedDiskBytes += buffer.Size;
        var info = _info!;
        var expected = info.GetPieceHash(buffer.Piece).ToArray();
        var storage = _storage!;
        var cache = ConnectedToALeecher() || !_engine.Options.UncachedWrites ? PageCache.Use : PageCache.Bypass;
        Interlocked.Increment(ref _diskJobs);
        _ = Task.Run(async () =>
        {
            Exception? writeError = null;
            bool match = true;
            try
            {
                match = await HashAsync(buffer, expected).ConfigureAwait(false);
                if (match)
                    await InWriteTurnAsync(() => storage.WritePieceAsync(buffer.Piece, buffer.Memory, cache, _stopping.Token).AsTask(), _stopping.Token)
                        .ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                writeError = ex;
            }
            _loop.Post(() => OnVerified(buffer, match, writeError));
            DiskJobDone();
        });
    }

    /// <summary>True when a connected peer is not a seed: it may soon ask us for what we write (read back from the cache).</summary>
    private bool ConnectedToALeecher()
    {
        foreach (var peer in _peers)
            if (!peer.IsSeed(_info!.PieceCount)) return true;
        return false;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in this torrent's write turn: one piece write or file change at a time. While it waits
    /// for the turn it is not counted in <see cref="DiskJobsRunnable"/>.
    /// </summary>
    private async Task InWriteTurnAsync(Func<Task> work, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _writeTurnWaiters);
        try
        {
            await _writeTurn.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _writeTurnWaiters);
        }
        try
        {
            await work().ConfigureAwait(false);
        }
        finally
        {
            _writeTurn.Release();
        }
    }

    /// <summary>Whether the piece's SHA-1 is <paramref name="expected"/>, computed on a disk worker.</summary>
    private async Task<bool> HashAsync(PieceBuffer buffer, byte[] expected)
    {
        await _engine.DiskWorkers.WaitAsync().ConfigureAwait(false);
        try
        {
            _stopping.Token.ThrowIfCancellationRequested(); // stopping: no check nor write of what waited for a worker
            Span<byte> hash = stackalloc byte[20];
            SHA1.HashData(buffer.Memory.Span, hash);
            return hash.SequenceEqual(expected);
        }
        finally
        {
            _engine.DiskWorkers.Release();
        }
    }

    private void OnVerified(PieceBuffer buffer, bool match, Exception? writeError)
    {
        _buffers.Remove(buffer.Piece);
        buffer.Finish();
        bool wasBacklogged = DiskBacklogged;
        _queuedDiskBytes -= buffer.Size;
        if (_picker is not { } picker || _state is TorrentState.Stopped or TorrentState.Error) return;
        if (writeError is not null)
        {
            if (writeError is not OperationCanceledException) Fail($"writing piece {buffer.Piece} failed: {writeError.Message}", writeError);
            return;
        }
        if (!match)
        {
            OnHashFailed(buffer, picker);
            return;
        }
        picker.OnPieceVerified(buffer.Piece);
        MarkVerified(buffer.Piece);
        _engine.Metrics.PiecesVerified.Add(1);
        _engine.Alerts.Post(new PieceVerifiedAlert(InfoHash, _engine.Alerts.Now, buffer.Piece));
        foreach (var peer in _peers)
        {
            peer.Wire.Have(buffer.Piece);
            if (peer.Wire.AmInterested && peer.Pieces[buffer.Piece]) UpdateInterest(peer);
        }
        if (picker.IsFinished) OnDownloadFinished(downloadedNow: true);
        else if (wasBacklogged && !DiskBacklogged)
            foreach (var peer in _peers) FillRequests(peer); // the requests held back while the disk was behind
    }

    // Checks and writes of complete pieces not finished yet (disk workers). Closing the files waits for them: a write
    // cannot be called back once the kernel has it, and files closed under it stayed open until it ended, after
    // StopAsync had returned.
    private int _diskJobs;
    private int _closingStorage;

    /// <summary>One piece write of this torrent at a time (see <see cref="Verify"/>).</summary>
    private readonly SemaphoreSlim _writeTurn = new(1, 1);
    private int _writeTurnWaiters;

    /// <summary>
    /// Checks and writes of complete pieces that are running or can run: not waiting for this torrent's write turn.
    /// With the loop's backlog, the simulation's quiet signal: a job a busy machine preempted is otherwise invisible.
    /// </summary>
    internal int DiskJobsRunnable => Volatile.Read(ref _diskJobs) - Volatile.Read(ref _writeTurnWaiters);
    private readonly TaskCompletionSource _diskJobsDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void DiskJobDone()
    {
        if (Interlocked.Decrement(ref _diskJobs) == 0 && Volatile.Read(ref _closingStorage) == 1) _diskJobsDone.TrySetResult();
    }

    private async Task CloseStorageAsync()
    {
        if (_storage is not { } storage) return;
        _storage = null;
        Interlocked.Exchange(ref _closingStorage, 1);
        if (Volatile.Read(ref _diskJobs) > 0) await _diskJobsDone.Task.ConfigureAwait(false);
        SaveResume(storage);
        await _resumeWrite.ConfigureAwait(false);
        await storage.DisposeAsync().ConfigureAwait(false);
    }

    private IPieceStorage OpenStorage(TorrentInfo info) => _engine.Options.StorageFactory?.Invoke(info, Options) ?? new FilePieceStorage(info, Options);
}
