using System.Net;
using BitTorrent.Metainfo;
using Microsoft.Extensions.Logging;

namespace BitTorrent.Client;

/// <summary>
/// One torrent in a <see cref="ClientEngine"/>: its state, progress and peers, read from any thread. Everything it
/// does runs on its own loop (a channel of work items, one at a time): wire events and request completions are
/// posted to it; hashing and disk I/O run on the engine's bounded disk workers and post their results back.
/// </summary>
public sealed partial class TorrentSession
{
    private readonly ClientEngine _engine;
    private readonly SessionLoop _loop;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private readonly PeerCandidates _candidates;
    private readonly Choker _choker;
    private bool _rechokeOnTick; // an interest change while every slot was taken: rechoke on the next tick
    private volatile TorrentInfo? _info;
    private volatile string? _error;
    private volatile IReadOnlyList<PeerInfo> _peerSnapshot = [];
    private volatile TorrentState _state;
    private volatile bool _ticking;
    private const int QuietTickSeconds = 30;
    private long _ticks;
    private long _nextResumeTick;
    private long _nextLostFilesTick;
    private bool _quiet;
    private bool _resumeDirty;
    private int _stopRequested;

    internal TorrentSession(ClientEngine engine, InfoHash infoHash, TorrentInfo? info, string? name,
        IReadOnlyList<IReadOnlyList<Uri>> trackerTiers, TorrentOptions options)
    {
        _engine = engine;
        InfoHash = infoHash;
        _info = info;
        Name = name ?? info?.Name ?? infoHash.ToString();
        Options = options;
        _time = engine.Options.TimeProvider;
        _logger = engine.LoggerFactory.CreateLogger<TorrentSession>();
        _candidates = new PeerCandidates(_time);
        _choker = new Choker(_time);
        _loop = new SessionLoop(Fail);
        _state = info is null ? TorrentState.FetchingMetadata : TorrentState.CheckingFiles;
        _trackerTiers = CreateTrackerTiers(trackerTiers, options);
        // A torrent stopped or failed before it completed faults this task even when nobody waits for completion (or
        // a wait gave up first): observe it here so that is not an unobserved task exception.
        _completed.Task.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The torrent's info hash.</summary>
    public InfoHash InfoHash { get; }

    /// <summary>The torrent's name (the magnet's display name or the info hash until the metadata arrives).</summary>
    public string Name { get; private set; }

    /// <summary>The options the torrent was added with.</summary>
    public TorrentOptions Options { get; }

    /// <summary>The info dictionary, once known.</summary>
    public TorrentInfo? Info => _info;

    /// <summary>The torrent's state.</summary>
    public TorrentState State => _state;

    /// <summary>Why the torrent is in <see cref="TorrentState.Error"/>, else null.</summary>
    public string? ErrorMessage => _error;

    /// <summary>The fraction of the selected pieces verified, 0 to 1.</summary>
    public double Progress => Volatile.Read(ref _progress);

    /// <summary>Verified bytes of the selected pieces.</summary>
    public long BytesVerified => Interlocked.Read(ref _bytesVerified);

    /// <summary>The connected peers, refreshed every second and on every connect and disconnect.</summary>
    public IReadOnlyList<PeerInfo> Peers => _peerSnapshot;

    /// <summary>
    /// The peers known from every source: those connected plus the addresses waiting to be dialled (at most 2,000),
    /// refreshed with <see cref="Peers"/>.
    /// </summary>
    public int KnownPeers => Volatile.Read(ref _knownPeers);

    /// <summary>Completes when every selected piece is verified (at once if the data was already complete).</summary>
    /// <exception cref="TorrentException">The torrent failed or was stopped first.</exception>
    public Task WaitForCompletionAsync(CancellationToken cancellationToken = default) => _completed.Task.WaitAsync(cancellationToken);

    /// <summary>Adds a peer address to dial (source <see cref="PeerSource.Explicit"/>).</summary>
    public void AddPeer(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        _loop.Post(() => AddCandidate(endPoint, PeerSource.Explicit));
    }

    /// <summary>Stops the torrent: requests are cancelled, connections closed, resume data written, files closed, and
    /// <c>stopped</c> announced to the trackers (waiting at most <see cref="EngineOptions.TrackerStopTimeout"/>).</summary>
    public async ValueTask StopAsync()
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) == 0)
        {
            _stopping.Cancel();
            if (!_loop.Post(() => _ = StopOnLoopAsync())) _stopped.TrySetResult();
        }
        await _stopped.Task.ConfigureAwait(false);
    }

    /// <summary>Work items waiting on or running in the torrent's loop (the simulation's quiet signal).</summary>
    internal int LoopBacklog => _loop.Backlog;

    internal void Start(IReadOnlyList<IPEndPoint> magnetPeers)
    {
        _loop.Post(() =>
        {
            foreach (var peer in Options.Peers) AddCandidate(peer, PeerSource.Explicit);
            foreach (var peer in magnetPeers) AddCandidate(peer, PeerSource.Magnet);
            _nextResumeTick = (long)Math.Max(1, Options.ResumeSaveInterval.TotalSeconds);
            _nextLostFilesTick = (long)Math.Max(1, Options.MissingFileCheckInterval.TotalSeconds);
            _ticking = true;
            if (_info is { } info) BeginCheck(info);
            else
            {
                SetState(TorrentState.FetchingMetadata);
                StartTrackers();
                ConnectMore();
            }
            MaybeAnnounceOnDht();
        });
    }

    /// <summary>
    /// The engine's one-second timer (one for all torrents, so idle torrents do not each wake a thread every second):
    /// counts the second and runs <see cref="OnTick"/> on the loop; a quiet torrent (no peer, no one to dial) runs it
    /// only every <see cref="QuietTickSeconds"/>.
    /// </summary>
    internal void OnSecond()
    {
        if (!_ticking) return;
        long tick = Interlocked.Increment(ref _ticks);
        if (Volatile.Read(ref _quiet) && tick % QuietTickSeconds != 0) return;
        _loop.Post(OnTick);
    }

    private void OnTick()
    {
        if (_state is TorrentState.Stopped or TorrentState.Error) return;
        long ticks = Volatile.Read(ref _ticks);
        ConnectMore();
        if (_rechokeOnTick || _choker.IsRechokeDue(_time.GetTimestamp()))
        {
            _rechokeOnTick = false;
            Rechoke();
        }
        CheckSnubbed();
        foreach (var peer in _peers) FillRequests(peer);
        if (ticks >= _nextResumeTick)
        {
            _nextResumeTick = ticks + (long)Math.Max(1, Options.ResumeSaveInterval.TotalSeconds);
            // Only when pieces were verified since the last write: an idle seed does not rewrite the same file.
            if (_resumeDirty) SaveResume();
        }
        if (ticks >= _nextLostFilesTick)
        {
            _nextLostFilesTick = ticks + (long)Math.Max(1, Options.MissingFileCheckInterval.TotalSeconds);
            LookForLostFiles(null);
        }
        MaybeAnnounceOnDht();
        RefreshPeerSnapshot();
        Volatile.Write(ref _quiet, _peers.Count == 0 && _candidates.Count == 0);
    }

    /// <summary>A peer or a candidate arrived: tick every second again.</summary>
    private void NotQuiet() => Volatile.Write(ref _quiet, false);

    private void SetState(TorrentState state)
    {
        if (_state == state) return;
        var previous = _state;
        _state = state;
        _engine.Alerts.Post(new StateChangedAlert(InfoHash, _engine.Alerts.Now, previous, state));
        _logger.LogInformation("{Torrent}: {Previous} -> {State}", Name, previous, state);
    }

    /// <summary>A loop work item threw, or a disk operation failed: the torrent stops with an error, the process goes on.</summary>
    private void Fail(Exception error) => Fail(error.Message, error);

    private void Fail(string message, Exception? error = null)
    {
        if (_state is TorrentState.Error or TorrentState.Stopped) return;
        _logger.LogError(error, "{Torrent} failed: {Message}", Name, message);
        _error = message;
        SetState(TorrentState.Error);
        _engine.Alerts.Post(new TorrentErrorAlert(InfoHash, _engine.Alerts.Now, message));
        _completed.TrySetException(new TorrentException(message, error));
        CloseAllPeers("torrent error");
    }

    private async Task StopOnLoopAsync()
    {
        _ticking = false;
        CloseAllPeers("stopped");
        bool failed = _state == TorrentState.Error;
        if (!failed) SetState(TorrentState.Stopped);
        _completed.TrySetException(new TorrentException(failed ? _error ?? "failed" : "the torrent was stopped"));
        var trackers = StopTrackersAsync();
        try
        {
            await CloseStorageAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(ex, "{Torrent}: closing the files failed", Name);
        }
        await trackers.ConfigureAwait(false);
        _loop.Complete();
        await _loop.Completion.ConfigureAwait(false);
        _stopped.TrySetResult();
    }
}
