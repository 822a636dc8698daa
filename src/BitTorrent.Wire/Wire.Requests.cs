using System.Buffers;

namespace BitTorrent.Wire;

public sealed partial class Wire
{
    private readonly List<PendingRequest> _requests = [];
    private readonly Stack<PendingRequest> _requestPool = new();
    private readonly List<BlockRequest> _peerRequests = [];
    private readonly Queue<BlockRequest> _serveQueue = new();
    private long _servingBytes;
    private bool _servePosted;
    private readonly Action<PendingRequest> _returnRequest;
    private int _sentRequests;
    private int _sendScanFrom; // every request in _requests before this index has been sent
    private int _peerQueueLimit;
    private TimeSpan _requestTimeout;
    private ITimer? _timeoutTimer;
    private bool _timerArmed;
    private long _lastProgress;

    /// <summary>
    /// Answers the peer's requests: return the block, or throw to refuse (a reject with Fast, silence without).
    /// The token is cancelled when the wire closes. Null leaves requests to <see cref="RequestReceived"/> and <see cref="Piece"/>.
    /// It is called on the wire's event loop, and only while fewer than <see cref="WireOptions.OutboundHighWater"/>
    /// bytes wait to be sent or are being served; later requests wait (up to our <c>reqq</c>) until the peer reads.
    /// </summary>
    public Func<BlockRequest, CancellationToken, ValueTask<ReadOnlyMemory<byte>>>? RequestHandler { get; set; }

    /// <summary>
    /// Answers the peer's requests into a buffer the wire lends: fill all of <c>destination</c> (the request's length)
    /// or throw to refuse. The buffer is pooled and taken back once the block is queued, so serving allocates nothing
    /// per block. When set it is used instead of <see cref="RequestHandler"/>, under the same rules.
    /// </summary>
    public Func<BlockRequest, Memory<byte>, CancellationToken, ValueTask>? BlockReader { get; set; }

    /// <summary>
    /// How long the oldest request may wait without any request completing (the seed's <c>setTimeout</c>); on expiry it
    /// fails with <see cref="WireRequestFailure.TimedOut"/> and <see cref="RequestTimedOut"/> is raised; the wire stays open.
    /// <see cref="TimeSpan.Zero"/> (the default) disables it.
    /// </summary>
    public TimeSpan RequestTimeout
    {
        get { lock (_gate) return _requestTimeout; }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            lock (_gate)
            {
                _requestTimeout = value;
                StopRequestTimer();
                ArmRequestTimer();
            }
        }
    }

    /// <summary>Our outstanding requests, oldest first (including those held back by the peer's <c>reqq</c>).</summary>
    public IReadOnlyList<BlockRequest> Requests
    {
        get { lock (_gate) return [.. _requests.Select(r => r.Block)]; }
    }

    /// <summary>The peer's outstanding requests to us.</summary>
    public IReadOnlyList<BlockRequest> PeerRequests
    {
        get { lock (_gate) return [.. _peerRequests]; }
    }

    /// <summary>How many requests we send before answers arrive: the peer's <c>reqq</c>, or <see cref="WireOptions.DefaultPeerRequestQueue"/>.</summary>
    public int PeerRequestQueueLength
    {
        get { lock (_gate) return _peerQueueLimit; }
    }

    /// <summary>A request timed out ('timeout').</summary>
    public event EventHandler? RequestTimedOut;

    /// <summary>The peer requested a block ('request'); answer through <see cref="RequestHandler"/> or <see cref="Piece"/>.</summary>
    public event EventHandler<BlockEventArgs>? RequestReceived;

    /// <summary>The peer cancelled one of its requests ('cancel').</summary>
    public event EventHandler<BlockEventArgs>? CancelReceived;

    /// <summary>The peer rejected one of our requests ('reject', BEP 6).</summary>
    public event EventHandler<BlockEventArgs>? RejectReceived;

    /// <summary>A piece message arrived ('piece'), requested or not.</summary>
    public event EventHandler<PieceEventArgs>? PieceReceived;

    /// <summary>
    /// Requests a block. Completes with the block, or fails with a <see cref="WireRequestException"/>: at once when the
    /// peer chokes us (unless the piece is allowed-fast) or the wire is closed. Beyond the peer's <c>reqq</c> the request
    /// waits locally until an earlier one completes. A continuation runs on the wire's event loop when the peer's answer
    /// (piece, reject, choke) or the close completes it, like an event; on the thread pool when a cancel, a timeout or
    /// <see cref="FailRequests"/> does, never inline on that thread.
    /// </summary>
    public ValueTask<byte[]> RequestAsync(int index, int begin, int length, CancellationToken cancellationToken = default)
    {
        if (length is <= 0 or > WireOptions.MaxBlockLength) throw new ArgumentOutOfRangeException(nameof(length));
        var (request, version, failure) = Enqueue(index, begin, length, default, cancellationToken);
        return request is null ? ValueTask.FromException<byte[]>(failure!) : new ValueTask<byte[]>(request, version);
    }

    /// <summary>
    /// Requests <paramref name="destination"/>.Length bytes at <paramref name="begin"/> of piece <paramref name="index"/>
    /// and copies the block into <paramref name="destination"/>, so a transfer allocates nothing per block. Completes with
    /// the length; fails as <see cref="RequestAsync(int, int, int, CancellationToken)"/> does. Keep the memory alive and
    /// untouched until the request completes.
    /// </summary>
    public ValueTask<int> RequestAsync(int index, int begin, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (destination.Length is <= 0 or > WireOptions.MaxBlockLength) throw new ArgumentOutOfRangeException(nameof(destination));
        var (request, version, failure) = Enqueue(index, begin, destination.Length, destination, cancellationToken);
        return request is null ? ValueTask.FromException<int>(failure!) : new ValueTask<int>(request, version);
    }

    private (PendingRequest? Request, short Version, Exception? Failure) Enqueue(int index, int begin, int length, Memory<byte> destination,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfNegative(begin);
        var block = new BlockRequest(index, begin, length);
        PendingRequest request;
        short version;
        lock (_gate)
        {
            if (_closed) return (null, 0, new WireRequestException(WireRequestFailure.Closed, block));
            if (PeerChoking && !(HasFast && _peerAllowedFastSet.Contains(index)))
                return (null, 0, new WireRequestException(WireRequestFailure.Choked, block));
            request = _requestPool.Count > 0 ? _requestPool.Pop() : new PendingRequest();
            request.Init(block, destination, _returnRequest);
            version = request.Version;
            _requests.Add(request);
            SendQueuedRequests();
            ArmRequestTimer();
        }
        if (cancellationToken.CanBeCanceled)
            request.Registration = cancellationToken.UnsafeRegister(static (state, _) =>
            {
                var (wire, pending) = ((Wire, PendingRequest))state!;
                wire.CancelPending(pending);
            }, (this, request));
        return (request, version, null);
    }

    /// <summary>Cancels our request for a block: it fails with <see cref="WireRequestFailure.Cancelled"/> and a cancel message is sent.</summary>
    public void Cancel(int index, int begin, int length)
    {
        var block = new BlockRequest(index, begin, length);
        PendingRequest? found;
        lock (_gate)
        {
            found = TakeRequest(block, sentOnly: false);
            if (found is null || found.Sent)
                if (!_closed) SendBlock(MessageId.Cancel, block);
            if (found is not null) SendQueuedRequests();
        }
        found?.Fail(new WireRequestException(WireRequestFailure.Cancelled, block));
    }

    /// <summary>Sends a block to the peer and forgets its matching request.</summary>
    public void Piece(int index, int begin, ReadOnlySpan<byte> block)
    {
        Span<byte> header = stackalloc byte[13];
        MessageWriter.WritePieceHeader(header, index, begin, block.Length);
        lock (_gate)
        {
            if (_closed) return;
            _peerRequests.Remove(new BlockRequest(index, begin, block.Length));
            if (!_outbound.Enqueue(header, block)) return;
        }
        CountUpload(block.Length, onEventLoop: false);
    }

    /// <summary>Fails our pending requests for <paramref name="pieceIndex"/> (lt_donthave uses this); returns how many failed.</summary>
    public int FailRequests(int pieceIndex, WireRequestFailure failure)
    {
        List<PendingRequest>? failed = null;
        lock (_gate)
        {
            for (int i = 0; i < _requests.Count; i++)
            {
                var request = _requests[i];
                if (request.Block.Index != pieceIndex) continue;
                (failed ??= []).Add(request);
                RemoveRequestAt(i--);
            }
            if (failed is not null) { Progress(); SendQueuedRequests(); }
        }
        if (failed is null) return 0;
        foreach (var request in failed) request.Fail(new WireRequestException(failure, request.Block));
        return failed.Count;
    }

    private void CancelPending(PendingRequest request)
    {
        bool removed;
        lock (_gate)
        {
            int at = _requests.IndexOf(request);
            removed = at >= 0;
            if (!removed) return;
            RemoveRequestAt(at);
            if (request.Sent && !_closed) SendBlock(MessageId.Cancel, request.Block);
            SendQueuedRequests();
        }
        request.Fail(new WireRequestException(WireRequestFailure.Cancelled, request.Block));
    }

    /// <summary>Fails every request, newest first (the seed fails them LIFO on choke).</summary>
    private void FailAllRequests(WireRequestFailure failure)
    {
        PendingRequest[] failed;
        lock (_gate)
        {
            if (_requests.Count == 0) return;
            failed = [.. _requests];
            _requests.Clear();
            _sentRequests = 0;
            _sendScanFrom = 0;
            StopRequestTimer();
        }
        for (int i = failed.Length - 1; i >= 0; i--) failed[i].Fail(new WireRequestException(failure, failed[i].Block), onEventLoop: true);
    }

    private PendingRequest? TakeRequest(BlockRequest block, bool sentOnly)
    {
        for (int i = 0; i < _requests.Count; i++)
        {
            var request = _requests[i];
            if (request.Block != block || (sentOnly && !request.Sent)) continue;
            RemoveRequestAt(i);
            return request;
        }
        return null;
    }

    /// <summary>Sends held-back requests while fewer than the peer's <c>reqq</c> are in flight. Caller holds the lock.</summary>
    private void SendQueuedRequests()
    {
        if (_closed || _sentRequests >= _peerQueueLimit || _sentRequests == _requests.Count) return;
        // From the first request not yet sent, not from the start: with a few hundred in flight a scan from the start
        // per new request was 3 % of a 1 GiB download's CPU. The scan start moves past requests as they are sent, and
        // stops at one held back (choked, not allowed fast) so that it goes out first once it may.
        bool allSentSoFar = true;
        for (int i = _sendScanFrom; i < _requests.Count && _sentRequests < _peerQueueLimit; i++)
        {
            var request = _requests[i];
            if (!request.Sent)
            {
                if (PeerChoking && !(HasFast && _peerAllowedFastSet.Contains(request.Block.Index)))
                {
                    allSentSoFar = false;
                    continue;
                }
                request.Sent = true;
                _sentRequests++;
                SendBlock(MessageId.Request, request.Block);
            }
            if (allSentSoFar) _sendScanFrom = i + 1;
        }
    }

    /// <summary>Removes the request at <paramref name="index"/>, keeping the counts and the send scan's start. Caller holds the lock.</summary>
    private void RemoveRequestAt(int index)
    {
        if (_requests[index].Sent) _sentRequests--;
        _requests.RemoveAt(index);
        if (index < _sendScanFrom) _sendScanFrom--;
    }

    private void OnPiece(int index, int begin, ReadOnlySequence<byte> data)
    {
        int length = (int)data.Length;
        var block = new BlockRequest(index, begin, length);
        PendingRequest? request;
        lock (_gate)
        {
            request = TakeRequest(block, sentOnly: true);
            if (request is not null)
            {
                Progress();
                SendQueuedRequests();
            }
        }
        CountDownload(length);
        if (request is not null && !request.Destination.IsEmpty)
        {
            CopyTo(data, request.Destination.Span);
            PieceReceived?.Invoke(this, new PieceEventArgs(index, begin, request.Destination));
            request.Complete(null);
            return;
        }
        byte[]? copy = request is not null || PieceReceived is not null ? ToArray(data) : null;
        PieceReceived?.Invoke(this, new PieceEventArgs(index, begin, copy));
        request?.Complete(copy!);
    }

    private void OnReject(BlockRequest block)
    {
        PendingRequest? request;
        lock (_gate)
        {
            request = TakeRequest(block, sentOnly: false);
            if (request is not null) { Progress(); SendQueuedRequests(); }
        }
        // BEP 6 allows closing on a reject for a request never sent; like libtorrent and the seed we ignore it.
        request?.Fail(new WireRequestException(WireRequestFailure.Rejected, block), onEventLoop: true);
        RejectReceived?.Invoke(this, new BlockEventArgs(block));
    }

    private void OnRequest(BlockRequest request)
    {
        if (request.Length is <= 0 or > WireOptions.MaxBlockLength || request.Begin < 0)
        {
            Close(WireCloseReason.InvalidMessage, $"request for {request.Length} bytes at {request.Begin}", null);
            return;
        }
        if (!CheckPieceIndex(MessageId.Request, request.Index)) return;
        bool serve;
        lock (_gate)
        {
            bool allowed = !AmChoking || (HasFast && _allowedFastSet.Contains(request.Index));
            // Over our reqq the peer is flooding us: refuse the excess (reject with Fast, ignore without), as libtorrent does.
            if (!allowed || _peerRequests.Count >= _options.MaxPeerRequests)
            {
                if (HasFast) SendBlock(MessageId.Reject, request);
                return;
            }
            _peerRequests.Add(request);
            serve = RequestHandler is not null || BlockReader is not null;
            if (serve) _serveQueue.Enqueue(request);
        }
        RequestReceived?.Invoke(this, new BlockEventArgs(request));
        if (serve) ServeQueued();
    }

    private void OnCancel(BlockRequest request)
    {
        lock (_gate) _peerRequests.Remove(request);
        CancelReceived?.Invoke(this, new BlockEventArgs(request));
    }

    private void CountUpload(int bytes, bool onEventLoop)
    {
        Interlocked.Add(ref _uploaded, bytes);
        _uploadMeter.Add(bytes);
        if (Upload is null) return;
        if (onEventLoop) Upload.Invoke(this, new TransferEventArgs(bytes));
        else Post(() => Upload?.Invoke(this, new TransferEventArgs(bytes)));
    }

    private void CountDownload(int bytes)
    {
        Interlocked.Add(ref _downloaded, bytes);
        _downloadMeter.Add(bytes);
        Download?.Invoke(this, new TransferEventArgs(bytes));
    }

    /// <summary>A request completed: the timeout measures from now. Caller holds the lock.</summary>
    private void Progress()
    {
        _lastProgress = TimeProvider.GetTimestamp();
        if (_requests.Count == 0) StopRequestTimer();
    }

    /// <summary>Arms the timeout when it is enabled, requests are pending and the peer does not choke us. Caller holds the lock.</summary>
    private void ArmRequestTimer()
    {
        if (_timerArmed || _requestTimeout == TimeSpan.Zero || _requests.Count == 0 || PeerChoking || _closed) return;
        _lastProgress = TimeProvider.GetTimestamp();
        _timeoutTimer ??= TimeProvider.CreateTimer(static s => ((Wire)s!).OnRequestTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timeoutTimer.Change(_requestTimeout, Timeout.InfiniteTimeSpan);
        _timerArmed = true;
    }

    private void StopRequestTimer()
    {
        if (!_timerArmed) return;
        _timerArmed = false;
        _timeoutTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private void OnRequestTimer()
    {
        PendingRequest? oldest = null;
        lock (_gate)
        {
            _timerArmed = false;
            if (_closed || _requests.Count == 0 || PeerChoking || _requestTimeout == TimeSpan.Zero) return;
            var idle = TimeProvider.GetElapsedTime(_lastProgress);
            if (idle < _requestTimeout)
            {
                _timeoutTimer!.Change(_requestTimeout - idle, Timeout.InfiniteTimeSpan);
                _timerArmed = true;
                return;
            }
            oldest = _requests[0];
            RemoveRequestAt(0);
            SendQueuedRequests();
            ArmRequestTimer();
        }
        oldest.Fail(new WireRequestException(WireRequestFailure.TimedOut, oldest.Block));
        Post(() => RequestTimedOut?.Invoke(this, EventArgs.Empty));
    }
}
