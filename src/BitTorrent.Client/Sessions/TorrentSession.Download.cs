using System.Net;
using BitTorrent.Wire;
using Microsoft.Extensions.Logging;

namespace BitTorrent.Client;

public sealed partial class TorrentSession
{
    /// <summary>The most requests kept in flight to one peer (below libtorrent's 500 cap and Transmission's 511).</summary>
    private const int MaxQueueDepth = 500;

    /// <summary>How long slow start lasts after a peer's first block: the wire's rate meter window.</summary>
    private static readonly TimeSpan SlowStartLength = TimeSpan.FromSeconds(5);

    /// <summary>Seconds without a block before a peer with requests outstanding is snubbed.</summary>
    private const int SnubSeconds = 30;

    private readonly Dictionary<int, PieceBuffer> _buffers = [];

    /// <summary>Bytes of complete pieces handed to the disk workers and not yet back (see <see cref="EngineOptions.MaxQueuedDiskBytes"/>).</summary>
    private long _queuedDiskBytes;
    private long _downloadAllowance;
    private bool _waitingForAllowance;
    private readonly HashSet<PeerId> _bannedPeerIds = [];
    private readonly Dictionary<Peer, PeerHandle> _handles = [];
    private readonly Dictionary<PeerHandle, Peer> _byHandle = [];

    /// <summary>Addresses of the last <see cref="DepartedSendersKept"/> peers that left, so a piece they sent that fails its check later still names them.</summary>
    private readonly Dictionary<PeerHandle, IPEndPoint> _departed = [];
    private readonly Queue<PeerHandle> _departedOrder = new();
    private const int DepartedSendersKept = 256;
    private PiecePicker? _picker;
    private BitField _have = new();
    private int _nextHandle;
    private long _bytesVerified;
    private double _progress;
    private long _wantedBytes;

    private PeerHandle HandleOf(Peer peer)
    {
        if (!_handles.TryGetValue(peer, out var handle))
        {
            handle = new PeerHandle(++_nextHandle);
            _handles[peer] = handle;
            _byHandle[handle] = peer;
        }
        return handle;
    }

    private void OnBitfield(Peer peer, byte[] bits)
    {
        if (peer.Gone) return;
        int length = _info?.PieceCount ?? bits.Length * 8;
        if ((length + 7) / 8 != bits.Length) return;
        peer.Pieces.Load(bits, length);
        if (_picker is { } picker && peer.Admitted) picker.OnBitfield(HandleOf(peer), peer.Pieces);
        UpdateInterest(peer);
    }

    private void OnHave(Peer peer, int index)
    {
        if (peer.Gone || (_info is { } info && index >= info.PieceCount)) return;
        peer.Pieces.Set(index);
        if (_picker is { } picker && peer.Admitted)
        {
            picker.OnHave(HandleOf(peer), index);
            if (!peer.Wire.AmInterested && !_have[index] && picker.WantsPiece(index)) UpdateInterest(peer);
        }
    }

    private void OnHaveAll(Peer peer)
    {
        if (peer.Gone) return;
        peer.Pieces.SetAll();
        if (_picker is { } picker && peer.Admitted) picker.OnHaveAll(HandleOf(peer));
        UpdateInterest(peer);
    }

    private void OnHaveNone(Peer peer)
    {
        if (peer.Gone) return;
        peer.Pieces.Clear();
        if (_picker is { } picker && peer.Admitted) picker.OnHaveNone(HandleOf(peer));
        UpdateInterest(peer);
    }

    private void OnDontHave(Peer peer, int index)
    {
        if (peer.Gone || (_info is { } info && index >= info.PieceCount)) return;
        peer.Pieces.Set(index, false);
        if (_picker is { } picker && peer.Admitted) picker.OnDontHave(HandleOf(peer), index);
        UpdateInterest(peer);
    }

    /// <summary>Tells the picker about a peer it has not seen (admitted, or present when the metadata arrived).</summary>
    private void AddToPicker(Peer peer)
    {
        if (_picker is not { } picker) return;
        var handle = HandleOf(peer);
        picker.AddPeer(handle);
        if (peer.Pieces.HasAll) picker.OnHaveAll(handle);
        else if (peer.Pieces.Count > 0) picker.OnBitfield(handle, peer.Pieces);
    }

    private void ForgetPeerPieces(Peer peer)
    {
        if (!_handles.Remove(peer, out var handle)) return;
        _picker?.RemovePeer(handle);
        _choker.RemovePeer(handle);
        _byHandle.Remove(handle);
        _departed[handle] = peer.EndPoint;
        _departedOrder.Enqueue(handle);
        if (_departedOrder.Count > DepartedSendersKept) _departed.Remove(_departedOrder.Dequeue());
    }

    /// <summary>Interested exactly while the peer has a piece we want and lack.</summary>
    private void UpdateInterest(Peer peer)
    {
        if (!peer.Admitted || peer.Gone) return;
        bool interesting = _picker is { } picker && picker.IsInteresting(HandleOf(peer));
        if (interesting && !peer.Wire.AmInterested) peer.Wire.Interested();
        else if (!interesting && peer.Wire.AmInterested) peer.Wire.Uninterested();
        if (interesting) FillRequests(peer);
    }

    /// <summary>Keeps the peer's request pipeline full: picks blocks and requests each into its piece's buffer.</summary>
    private void FillRequests(Peer peer)
    {
        if (_picker is not { } picker || _storage is null || !peer.Admitted || peer.Gone || _state != TorrentState.Downloading) return;
        int room = TargetOutstanding(peer) - peer.InFlight;
        if (room <= 0 || IsSnubbed(peer) || DiskBacklogged) return;
        var limiter = _engine.DownloadLimiter;
        if (!limiter.IsUnlimited)
        {
            room = (int)Math.Min(room, (_downloadAllowance + limiter.AvailableBytes) / PiecePicker.BlockSize);
            if (room <= 0)
            {
                WaitForDownloadAllowance();
                return;
            }
        }
        var wire = peer.Wire;
        Span<BlockRequest> picked = stackalloc BlockRequest[Math.Min(room, 64)];
        int n = picker.PickBlocks(HandleOf(peer), wire.PeerChoking, wire.PeerChoking ? wire.PeerAllowedFastSet : null, picked);
        for (int i = 0; i < n; i++)
        {
            if (TakeDownloadAllowance(picked[i].Length))
            {
                Request(peer, picked[i]);
                continue;
            }
            // Another torrent took the bytes in the meantime: give the rest back and ask again once there are some.
            for (int j = i; j < n; j++) picker.OnBlockFailed(HandleOf(peer), picked[j]);
            WaitForDownloadAllowance();
            return;
        }
    }

    /// <summary>Pieces waiting for the disk are at <see cref="EngineOptions.MaxQueuedDiskBytes"/>: no new requests until one is back.</summary>
    private bool DiskBacklogged => _queuedDiskBytes >= _engine.Options.MaxQueuedDiskBytes;

    /// <summary>Takes the bytes of one request from what this torrent already waited for, or from the engine's bucket.</summary>
    private bool TakeDownloadAllowance(int bytes)
    {
        var limiter = _engine.DownloadLimiter;
        if (limiter.IsUnlimited) return true;
        if (_downloadAllowance >= bytes)
        {
            _downloadAllowance -= bytes;
            return true;
        }
        using var lease = limiter.AttemptAcquire(bytes);
        return lease.IsAcquired;
    }

    /// <summary>
    /// The bucket is empty: wait (off the loop, one wait per torrent) for a block's bytes, keep them as this torrent's
    /// allowance and fill every peer's requests again.
    /// </summary>
    private void WaitForDownloadAllowance()
    {
        if (_waitingForAllowance) return;
        _waitingForAllowance = true;
        _ = WaitForDownloadAllowanceAsync();
    }

    private async Task WaitForDownloadAllowanceAsync()
    {
        try
        {
            await _engine.DownloadLimiter.WaitAsync(PiecePicker.BlockSize, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            return;
        }
        _loop.Post(() =>
        {
            _waitingForAllowance = false;
            _downloadAllowance += PiecePicker.BlockSize;
            foreach (var peer in _peers) FillRequests(peer);
        });
    }

    /// <summary>
    /// How many requests to keep in flight to <paramref name="peer"/>: enough to cover the pipeline's queue time at its
    /// measured download rate (libtorrent's request_queue_time, 3 s), and during slow start at least the slow-start
    /// depth; never more than <see cref="Peer.QueueDepth"/>. A slow peer so holds a few seconds of blocks, not its whole
    /// reqq: with reqq-deep queues a 256 KiB/s peer held single blocks of dozens of pieces that faster peers had finished.
    /// </summary>
    private int TargetOutstanding(Peer peer)
    {
        int target = peer.Pipeline.TargetOutstanding(peer.Wire.DownloadSpeed);
        if (peer.SlowStartDepth > 0)
        {
            if (peer.SlowStartEnds != 0 && _time.GetTimestamp() >= peer.SlowStartEnds) peer.SlowStartDepth = 0;
            else target = Math.Max(target, peer.SlowStartDepth);
        }
        return Math.Min(target, peer.QueueDepth);
    }

    private void Request(Peer peer, BlockRequest block)
    {
        if (!_buffers.TryGetValue(block.Index, out var buffer))
            _buffers[block.Index] = buffer = new PieceBuffer(block.Index, _info!.GetPieceSize(block.Index));
        buffer.InFlight++;
        // The snub clock counts only time with requests outstanding: requests after an idle spell start it afresh.
        if (peer.InFlight == 0) peer.LastBlockTimestamp = _time.GetTimestamp();
        peer.InFlight++;
        ValueTask<int> pending;
        try
        {
            pending = peer.Wire.RequestAsync(block.Index, block.Begin, buffer.Block(block.Begin, block.Length), _stopping.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException or WireRequestException)
        {
            OnBlockDone(peer, buffer, block, ex);
            return;
        }
        _ = AwaitBlockAsync(peer, buffer, block, pending);
    }

    private async Task AwaitBlockAsync(Peer peer, PieceBuffer buffer, BlockRequest block, ValueTask<int> pending)
    {
        Exception? error = null;
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WireRequestException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            error = ex;
        }
        _loop.Post(() => OnBlockDone(peer, buffer, block, error));
    }

    private void OnBlockDone(Peer peer, PieceBuffer buffer, BlockRequest block, Exception? error)
    {
        buffer.RequestDone();
        peer.InFlight--;
        // A completion into a buffer that is sealed or replaced (the piece failed and is downloaded again) is stale.
        if (peer.Gone || _picker is not { } picker || buffer.Sealed || !_buffers.TryGetValue(block.Index, out var current) || current != buffer)
            return;
        var handle = HandleOf(peer);
        if (error is not null)
        {
            picker.OnBlockFailed(handle, block);
            FillRequests(peer);
            return;
        }
        peer.LastBlockTimestamp = _time.GetTimestamp();
        if (peer.SlowStartDepth > 0)
        {
            peer.SlowStartDepth = Math.Min(peer.SlowStartDepth + 1, peer.QueueDepth);
            if (peer.SlowStartEnds == 0) peer.SlowStartEnds = peer.LastBlockTimestamp + (long)(SlowStartLength.TotalSeconds * _time.TimestampFrequency);
        }
        var receipt = picker.OnBlockReceived(handle, block);
        foreach (var other in receipt.Cancel)
            if (_byHandle.TryGetValue(other, out var duplicate)) duplicate.Wire.Cancel(block.Index, block.Begin, block.Length);
        if (receipt.Status == BlockStatus.Accepted && receipt.PieceComplete) Verify(buffer);
        FillRequests(peer);
    }

    private void OnHashFailed(PieceBuffer buffer, PiecePicker picker)
    {
        var senders = picker.OnPieceFailed(buffer.Piece);
        _engine.Metrics.HashFailures.Add(1);
        var addresses = new List<IPEndPoint>();
        foreach (var handle in senders)
        {
            if (!_byHandle.TryGetValue(handle, out var peer))
            {
                if (_departed.TryGetValue(handle, out var gone)) addresses.Add(gone); // banned or left since it sent its blocks
                continue;
            }
            addresses.Add(peer.EndPoint);
            if (++peer.HashFailures >= Options.MaxHashFailuresPerPeer) Ban(peer);
        }
        _logger.LogWarning("{Torrent}: piece {Piece} failed its hash check (from {Peers})", Name, buffer.Piece, string.Join(", ", addresses));
        _engine.Alerts.Post(new HashFailedAlert(InfoHash, _engine.Alerts.Now, buffer.Piece, addresses));
        foreach (var peer in _peers) FillRequests(peer);
    }

    private void Ban(Peer peer)
    {
        _bannedPeerIds.Add(peer.PeerId);
        _candidates.Ban(peer.EndPoint);
        if (peer.ListenEndPoint is { } listen) _candidates.Ban(listen);
        _engine.Alerts.Post(new PeerBannedAlert(InfoHash, _engine.Alerts.Now, peer.EndPoint));
        peer.Wire.Close(WireCloseReason.LocalEnd, "banned: sent pieces that failed the hash check");
    }

    /// <summary>Records a verified piece (downloaded or found on disk): our bitfield, the served set and the progress.</summary>
    private void MarkVerified(int piece)
    {
        _have.Set(piece);
        _resumeDirty = true;
        _servable![piece] = true;
        if (_picker!.GetPiecePriority(piece) != 0)
        {
            Interlocked.Add(ref _bytesVerified, _info!.GetPieceSize(piece));
            Volatile.Write(ref _progress, _wantedBytes == 0 ? 1 : (double)Interlocked.Read(ref _bytesVerified) / _wantedBytes);
        }
    }

    /// <summary>Every selected piece is verified: <paramref name="downloadedNow"/> is false when the data was complete at the check
    /// (then no tracker hears <c>completed</c>).</summary>
    private void OnDownloadFinished(bool downloadedNow)
    {
        _engine.Alerts.Post(new TorrentCompletedAlert(InfoHash, _engine.Alerts.Now));
        if (downloadedNow) _trackers?.Complete();
        _logger.LogInformation("{Torrent}: complete", Name);
        SaveResume();
        if (Options.SeedAfterDownload)
        {
            SetState(TorrentState.Seeding);
            foreach (var peer in _peers)
            {
                UpdateInterest(peer);
                if (peer.IsSeed(_info!.PieceCount)) peer.Wire.Close(WireCloseReason.LocalEnd, "both seeding");
            }
            _completed.TrySetResult();
        }
        else
        {
            _completed.TrySetResult();
            _ = StopAsync();
        }
    }

    /// <summary>A peer that has had requests outstanding and sent nothing for <see cref="SnubSeconds"/>.</summary>
    private bool IsSnubbed(Peer peer) =>
        peer.InFlight > 0 && _time.GetElapsedTime(peer.LastBlockTimestamp).TotalSeconds >= SnubSeconds;

    /// <summary>Gives the blocks of snubbed peers to others (the requests stay: if they arrive, they still count).</summary>
    private void CheckSnubbed()
    {
        if (_picker is not { } picker) return;
        foreach (var peer in _peers)
        {
            if (!IsSnubbed(peer) || picker.OutstandingRequests(HandleOf(peer)) == 0) continue;
            picker.ReleaseRequests(HandleOf(peer));
        }
    }
}
