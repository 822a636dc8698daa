namespace BitTorrent.Client;

/// <summary>
/// How many requests to keep outstanding with one peer, and whether the peer is snubbing us. The target covers
/// <see cref="RequestPipelineOptions.QueueTime"/> of data at the peer's measured download rate in 16 KiB blocks,
/// clamped to [<see cref="RequestPipelineOptions.MinOutstanding"/>, min(reqq − 1, <see cref="RequestPipelineOptions.MaxOutstanding"/>)];
/// a peer that sent no block for <see cref="RequestPipelineOptions.SnubTimeout"/> while requests were outstanding is
/// snubbed: its target drops to one request (the engine returns its other requests to the pool with
/// <see cref="PiecePicker.ReleaseRequests"/>, so that slow peers do not hold the last pieces) until a block arrives.
/// </summary>
/// <remarks>
/// Driven by the caller's clock: timestamps are <see cref="TimeProvider.GetTimestamp"/> values of the
/// <see cref="TimeProvider"/> given here; there is no timer inside. Not thread-safe: one torrent's loop owns it.
/// </remarks>
public sealed class RequestPipeline
{
    private readonly TimeProvider _time;
    private readonly RequestPipelineOptions _options;
    private long _waitingSince; // the last block, or the request that ended an idle spell
    private bool _waiting;

    /// <summary>Creates the pipeline state of one peer connection.</summary>
    /// <param name="time">The clock whose timestamps the caller passes in.</param>
    /// <param name="options">Tuning; null for the defaults.</param>
    public RequestPipeline(TimeProvider time, RequestPipelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _options = options ?? new RequestPipelineOptions();
        if (_options.MinOutstanding < 1 || _options.MaxOutstanding < _options.MinOutstanding)
            throw new ArgumentOutOfRangeException(nameof(options), "need 1 <= MinOutstanding <= MaxOutstanding");
    }

    /// <summary>The peer's <c>reqq</c> from its extended handshake (default 250 when it sent none).</summary>
    public int PeerRequestQueue { get; set; } = 250;

    /// <summary>True from a snub until the next block arrives.</summary>
    public bool IsSnubbed { get; private set; }

    /// <summary>
    /// The number of requests to keep outstanding at a download rate of <paramref name="bytesPerSecond"/> from this peer:
    /// one while snubbed, else the queue-time target clamped to the bounds.
    /// </summary>
    public int TargetOutstanding(double bytesPerSecond)
    {
        if (IsSnubbed) return 1;
        int max = Math.Max(1, Math.Min(PeerRequestQueue - 1, _options.MaxOutstanding));
        double blocks = Math.Max(0, bytesPerSecond) * _options.QueueTime.TotalSeconds / PiecePicker.BlockSize;
        int target = blocks >= max ? max : (int)Math.Ceiling(blocks);
        return Math.Min(Math.Max(target, _options.MinOutstanding), max);
    }

    /// <summary>Requests were sent while <paramref name="outstandingBefore"/> were outstanding: an idle peer's snub clock starts now.</summary>
    public void OnRequestsSent(long timestamp, int outstandingBefore)
    {
        if (outstandingBefore > 0 && _waiting) return;
        _waiting = true;
        _waitingSince = timestamp;
    }

    /// <summary>A block arrived: the snub clock restarts and a snub ends.</summary>
    public void OnBlockReceived(long timestamp)
    {
        _waitingSince = timestamp;
        _waiting = true;
        IsSnubbed = false;
    }

    /// <summary>
    /// Checks the snub clock at <paramref name="now"/> with <paramref name="outstanding"/> requests in flight; returns
    /// true when the peer becomes snubbed by this call (the caller then releases its requests).
    /// </summary>
    public bool CheckSnub(long now, int outstanding)
    {
        if (outstanding == 0) { _waiting = false; return false; }
        if (IsSnubbed) return false;
        if (!_waiting)
        {
            _waiting = true; // requests the caller did not report: the clock starts now
            _waitingSince = now;
            return false;
        }
        if (_time.GetElapsedTime(_waitingSince, now) < _options.SnubTimeout) return false;
        IsSnubbed = true;
        return true;
    }
}
