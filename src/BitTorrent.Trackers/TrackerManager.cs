using System.Collections.Immutable;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitTorrent.Trackers;

/// <summary>
/// Announces one torrent to its trackers (BEP 12) on its own task, so the caller's loop never waits for a tracker:
/// tier by tier, the first tracker of a tier that answers is promoted and ends the round. The first announce to a
/// tracker says <c>started</c>, the one after <see cref="Complete"/> says <c>completed</c>, <see cref="StopAsync"/>
/// sends <c>stopped</c> to every tracker that was started; in between it re-announces on the tracker's interval
/// (clamped), never sooner than its min interval. Peers and status changes are raised as events on that task:
/// handlers should post them to their own loop and return.
/// </summary>
public sealed class TrackerManager : IAsyncDisposable
{
    private readonly TrackerClient _client;
    private readonly TrackerTiers _tiers;
    private readonly InfoHash _infoHash;
    private readonly PeerId _peerId;
    private readonly int _port;
    private readonly Func<TransferStats> _stats;
    private readonly uint _key = (uint)Random.Shared.NextInt64(0, uint.MaxValue + 1L);
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Signal> _signals = Channel.CreateUnbounded<Signal>(new() { SingleReader = true });
    private readonly Dictionary<Uri, TrackerState> _states = [];
    private readonly CancellationTokenSource _stop = new();
    private ImmutableArray<TrackerStatus> _statuses;
    private Task? _loop;
    private bool _pendingCompleted;
    private int _failedRounds;
    private long? _lastAnnounce;
    private TimeSpan _minInterval;

    private enum Signal { Completed, AnnounceNow }

    /// <summary>Creates the manager; nothing is sent before <see cref="Start"/>.</summary>
    /// <param name="client">The tracker client (shared by every torrent).</param>
    /// <param name="tiers">The torrent's trackers.</param>
    /// <param name="infoHash">The torrent.</param>
    /// <param name="peerId">This client's peer id.</param>
    /// <param name="port">The port this client accepts peers on.</param>
    /// <param name="stats">Returns the current totals; called on the manager's task, so it must be thread-safe.</param>
    public TrackerManager(TrackerClient client, TrackerTiers tiers, InfoHash infoHash, PeerId peerId, int port, Func<TransferStats> stats)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(tiers);
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        (_client, _tiers, _infoHash, _peerId, _port, _stats) = (client, tiers, infoHash, peerId, port, stats);
        _time = client.Options.TimeProvider;
        _logger = client.Options.LoggerFactory?.CreateLogger<TrackerManager>() ?? NullLogger<TrackerManager>.Instance;
        for (int tier = 0; tier < tiers.Count; tier++)
        {
            foreach (var uri in tiers[tier]) _states[uri] = new TrackerState(new TrackerStatus(uri, tier));
        }
        _statuses = [.. _states.Values.Select(s => s.Status)];
    }

    /// <summary>Peers a tracker listed. Raised on the manager's task.</summary>
    public event EventHandler<TrackerPeersEventArgs>? PeersReceived;

    /// <summary>A tracker's status changed after an announce. Raised on the manager's task.</summary>
    public event EventHandler<TrackerStatusEventArgs>? StatusChanged;

    /// <summary>How many peers to ask each tracker for (<c>numwant</c>).</summary>
    public int NumWant { get; init; } = 50;

    /// <summary>Every tracker's latest status (a snapshot, safe to read from any thread).</summary>
    public IReadOnlyList<TrackerStatus> Statuses => _statuses;

    /// <summary>Starts announcing: <c>started</c> at once, then on the interval. Returns immediately.</summary>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    public void Start()
    {
        if (_loop is not null) throw new InvalidOperationException("already started");
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>The download completed: announce <c>completed</c> now. Returns immediately.</summary>
    public void Complete() => _signals.Writer.TryWrite(Signal.Completed);

    /// <summary>Announce as soon as the min interval allows (e.g. when more peers are wanted). Returns immediately.</summary>
    public void AnnounceNow() => _signals.Writer.TryWrite(Signal.AnnounceNow);

    /// <summary>Stops re-announcing and announces <c>stopped</c> to every tracker that was started, concurrently. When a
    /// <see cref="Complete"/> has not been announced yet (the torrent stops as it completes), <c>completed</c> goes to each
    /// of them first, so the tracker counts the download.</summary>
    /// <param name="cancellationToken">Bounds the wait for the trackers (a UDP tracker may retransmit for a long time).</param>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await StopLoopAsync().ConfigureAwait(false);
        while (_signals.Reader.TryRead(out var signal)) _pendingCompleted |= signal == Signal.Completed;
        var stats = _stats();
        var started = _states.Values.Where(s => s.Started).ToArray();
        await Task.WhenAll(started.Select(async state =>
        {
            var tracker = _client.GetTracker(state.Status.Uri);
            try
            {
                if (_pendingCompleted)
                    await tracker.AnnounceAsync(Request(state, TrackerEvent.Completed, stats) with { NumWant = 0 }, cancellationToken).ConfigureAwait(false);
                await tracker.AnnounceAsync(Request(state, TrackerEvent.Stopped, stats) with { NumWant = 0 }, cancellationToken).ConfigureAwait(false);
                state.Started = false;
            }
            catch (TrackerException e)
            {
                _logger.LogDebug("stopped announce to {Tracker} failed: {Error}", state.Status.Uri, e.Message);
            }
        })).ConfigureAwait(false);
    }

    /// <summary>Stops re-announcing without telling the trackers (use <see cref="StopAsync"/> to leave the swarm).</summary>
    public async ValueTask DisposeAsync()
    {
        await StopLoopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task StopLoopAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The loop ends by cancellation.
            }
        }
    }

    /// <summary>
    /// The announce schedule on the monotonic clock: the next round is due <c>wait</c> after the timestamp
    /// <c>anchor</c> (a wall-clock jump never makes it early or late).
    /// </summary>
    private async Task RunAsync(CancellationToken cancellationToken)
    {
        long anchor = _time.GetTimestamp();
        var wait = TimeSpan.Zero;
        while (true)
        {
            var delay = wait - _time.GetElapsedTime(anchor);
            if (delay > TimeSpan.Zero) await WaitAsync(delay, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            while (_signals.Reader.TryRead(out var signal))
            {
                var remaining = signal == Signal.Completed ? TimeSpan.Zero : UntilMinIntervalAllows();
                if (remaining < wait - _time.GetElapsedTime(anchor)) (anchor, wait) = (_time.GetTimestamp(), remaining);
                if (signal == Signal.Completed) _pendingCompleted = true;
            }
            long roundStart = _time.GetTimestamp();
            if (_time.GetElapsedTime(anchor, roundStart) >= wait)
            {
                wait = await AnnounceRoundAsync(cancellationToken).ConfigureAwait(false);
                anchor = roundStart;
            }
        }
    }

    /// <summary>How long until the min interval since the last successful announce has passed (zero when it has).</summary>
    private TimeSpan UntilMinIntervalAllows()
    {
        if (_lastAnnounce is not { } last) return TimeSpan.Zero;
        var remaining = _minInterval - _time.GetElapsedTime(last);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Task.Delay(delay, _time, wake.Token);
        var signal = _signals.Reader.WaitToReadAsync(wake.Token).AsTask();
        await Task.WhenAny(timer, signal).ConfigureAwait(false);
        await wake.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>One BEP 12 round; returns the wait before the next one.</summary>
    private async Task<TimeSpan> AnnounceRoundAsync(CancellationToken cancellationToken)
    {
        var stats = _stats();
        for (int tier = 0; tier < _tiers.Count; tier++)
        {
            foreach (var uri in _tiers[tier])
            {
                var state = _states[uri];
                var request = Request(state, state.Started ? _pendingCompleted ? TrackerEvent.Completed : TrackerEvent.None : TrackerEvent.Started, stats);
                var now = _time.GetUtcNow();
                long attempt = _time.GetTimestamp();
                try
                {
                    var response = await _client.GetTracker(uri).AnnounceAsync(request, cancellationToken).ConfigureAwait(false);
                    state.Started = true;
                    state.TrackerId = response.TrackerId ?? state.TrackerId;
                    _pendingCompleted = false;
                    _failedRounds = 0;
                    _lastAnnounce = attempt;
                    _minInterval = response.MinInterval ?? _client.Options.MinimumInterval;
                    _tiers.Promote(uri);
                    Update(state, state.Status with
                    {
                        IsWorking = true, LastAttempt = now, Interval = response.Interval, MinInterval = response.MinInterval,
                        Complete = response.Complete, Incomplete = response.Incomplete, LastPeerCount = response.Peers.Count,
                        WarningMessage = response.WarningMessage, LastError = null,
                    });
                    if (response.Peers.Count > 0) Raise(PeersReceived, new TrackerPeersEventArgs(uri, response.Peers));
                    return response.Interval;
                }
                catch (TrackerException e)
                {
                    _logger.LogDebug("announce to {Tracker} failed: {Error}", uri, e.Message);
                    Update(state, state.Status with { IsWorking = false, LastAttempt = now, LastError = e });
                }
            }
        }
        var retry = _client.Options.FailureRetryDelay * Math.Pow(2, Math.Min(_failedRounds++, 20));
        return retry < _client.Options.MaximumInterval ? retry : _client.Options.MaximumInterval;
    }

    private AnnounceRequest Request(TrackerState state, TrackerEvent trackerEvent, TransferStats stats) =>
        new(_infoHash, _peerId, _port)
        {
            Uploaded = stats.Uploaded, Downloaded = stats.Downloaded, Left = stats.Left, Event = trackerEvent,
            NumWant = NumWant, Key = _key, TrackerId = state.TrackerId,
        };

    private void Update(TrackerState state, TrackerStatus status)
    {
        state.Status = status;
        _statuses = [.. _states.Values.Select(s => s.Status)];
        Raise(StatusChanged, new TrackerStatusEventArgs(status));
    }

    private void Raise<T>(EventHandler<T>? handler, T args)
    {
        try
        {
            handler?.Invoke(this, args);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "a tracker event handler threw");
        }
    }

    private sealed class TrackerState(TrackerStatus status)
    {
        public TrackerStatus Status { get; set; } = status;
        public bool Started { get; set; }
        public string? TrackerId { get; set; }
    }
}
