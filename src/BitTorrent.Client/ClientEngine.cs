using System.Collections.Concurrent;
using System.Net;
using System.Net.NetworkInformation;
using BitTorrent.Client.Transport;
using BitTorrent.Dht;
using BitTorrent.Encryption;
using BitTorrent.Extensions;
using BitTorrent.Metainfo;
using BitTorrent.Trackers;
using BitTorrent.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitTorrent.Client;

/// <summary>
/// A BitTorrent client: one listen port for every torrent (incoming peers are routed by the info hash of their
/// handshake), a shared DHT node, shared connection limits and disk workers, and typed alerts. Each torrent runs on its
/// own loop (see <see cref="TorrentSession"/>). Create it with <see cref="StartAsync"/>; dispose it to stop every torrent
/// (resume data is written) and close every connection.
/// </summary>
public sealed class ClientEngine : IAsyncDisposable
{
    private readonly ConcurrentDictionary<InfoHash, TorrentSession> _sessions = new();
    private readonly MseTorrentTable _mseTorrents;
    private readonly IPeerTransport _transport;
    private readonly bool _ownsDht;
    private readonly HashSet<IPAddress> _localAddresses = [];
    private readonly ITimer? _replenish;
    private readonly ITimer _second;
    private int _connections;
    private int _disposed;

    private ClientEngine(EngineOptions options, IPeerTransport transport, MseTorrentTable mseTorrents, DhtNode? dht, bool ownsDht)
    {
        Options = options;
        _mseTorrents = mseTorrents;
        _transport = transport;
        Dht = dht;
        _ownsDht = ownsDht;
        LoggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        Logger = LoggerFactory.CreateLogger<ClientEngine>();
        Alerts = new AlertQueue(options.AlertCapacity, options.TimeProvider);
        HalfOpen = new SemaphoreSlim(options.MaxHalfOpenConnections);
        DiskWorkers = new SemaphoreSlim(Math.Max(1, options.DiskWorkers));
        UploadLimiter = new BandwidthLimiter(options.TimeProvider, options.UploadRateLimit);
        DownloadLimiter = new BandwidthLimiter(options.TimeProvider, options.DownloadRateLimit);
        if (!UploadLimiter.IsUnlimited || !DownloadLimiter.IsUnlimited)
            _replenish = options.TimeProvider.CreateTimer(static s =>
            {
                var engine = (ClientEngine)s!;
                engine.UploadLimiter.TryReplenish();
                engine.DownloadLimiter.TryReplenish();
            }, this, UploadLimiter.ReplenishmentPeriod, UploadLimiter.ReplenishmentPeriod);
        // Every torrent's periodic work runs off this one timer (see TorrentSession.OnSecond).
        _second = options.TimeProvider.CreateTimer(static s =>
        {
            foreach (var session in ((ClientEngine)s!)._sessions.Values) session.OnSecond();
        }, this, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        var trackerOptions = options.TrackerOptions ?? new TrackerOptions();
        TrackerClient = new TrackerClient(trackerOptions with
        {
            TimeProvider = options.TimeProvider,
            LoggerFactory = trackerOptions.LoggerFactory ?? options.LoggerFactory,
        });
    }

    /// <summary>The engine-wide upload limit every served block waits on (<see cref="EngineOptions.UploadRateLimit"/>).</summary>
    internal BandwidthLimiter UploadLimiter { get; }

    /// <summary>The engine-wide download limit every request waits on (<see cref="EngineOptions.DownloadRateLimit"/>).</summary>
    internal BandwidthLimiter DownloadLimiter { get; }

    /// <summary>Creates an engine, starts listening on <see cref="EngineOptions.ListenAddresses"/> and starts its DHT node.</summary>
    /// <exception cref="System.Net.Sockets.SocketException">The listen port could not be bound.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="EngineOptions.UploadRateLimit"/> is negative.</exception>
    /// <exception cref="ArgumentException"><see cref="EngineOptions.Encryption"/> allows MSE but no method.</exception>
    public static async Task<ClientEngine> StartAsync(EngineOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EngineOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.UploadRateLimit, nameof(options.UploadRateLimit));
        ArgumentNullException.ThrowIfNull(options.Encryption, nameof(options.Encryption));
        if (options.Encryption.Policy != EncryptionPolicy.Disabled && (options.Encryption.AllowedMethods & (CryptoMethods.Plaintext | CryptoMethods.Rc4)) == 0)
            throw new ArgumentException("Encryption.AllowedMethods offers no method (Rc4, Plaintext or both)", nameof(options));
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var encryption = options.Encryption with
        {
            TimeProvider = options.TimeProvider,
            LoggerFactory = options.Encryption.LoggerFactory ?? options.LoggerFactory,
        };
        var mseTorrents = new MseTorrentTable();
        var transport = options.Transport ?? new TcpPeerTransport(options.ListenAddresses, options.ListenPort, encryption, mseTorrents,
            options.MaxConnections, loggerFactory.CreateLogger<TcpPeerTransport>());
        DhtNode? dht = options.DhtNode;
        bool ownsDht = false;
        if (options.EnableDht && dht is null)
        {
            dht = new DhtNode(new DhtNodeOptions
            {
                BootstrapNodes = options.DhtBootstrapNodes,
                TimeProvider = options.TimeProvider,
                LoggerFactory = loggerFactory,
            });
            ownsDht = true;
        }
        var engine = new ClientEngine(options, transport, mseTorrents, dht, ownsDht);
        transport.IncomingOptions = engine.CreateWireOptions();
        try
        {
            await transport.StartAsync(engine.OnAccepted, cancellationToken).ConfigureAwait(false);
            engine.CollectLocalAddresses();
            if (ownsDht) dht!.Listen(options.DhtPort != 0 ? options.DhtPort : engine.ListenPort);
        }
        catch
        {
            await engine.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return engine;
    }

    /// <summary>The options the engine was started with.</summary>
    public EngineOptions Options { get; }

    /// <summary>Our peer id.</summary>
    public PeerId PeerId => Options.PeerId;

    /// <summary>The addresses the engine accepts peers on.</summary>
    public IReadOnlyList<IPEndPoint> ListenEndPoints => _transport.LocalEndPoints;

    /// <summary>The TCP port the engine accepts peers on (the same on every address).</summary>
    public int ListenPort => _transport.LocalEndPoints.Count > 0 ? _transport.LocalEndPoints[0].Port : 0;

    /// <summary>The DHT node, when the DHT is enabled.</summary>
    public DhtNode? Dht { get; }

    /// <summary>The torrents of this engine.</summary>
    public IReadOnlyCollection<TorrentSession> Torrents => [.. _sessions.Values];

    internal ILoggerFactory LoggerFactory { get; }

    internal ILogger Logger { get; }

    internal AlertQueue Alerts { get; }

    internal EngineMetrics Metrics { get; } = new();

    internal SemaphoreSlim HalfOpen { get; }

    internal SemaphoreSlim DiskWorkers { get; }

    internal IPeerTransport Transport => _transport;

    /// <summary>The tracker client every torrent announces through (one HTTP handler, one object per tracker URL).</summary>
    internal TrackerClient TrackerClient { get; }

    /// <summary>Adds a torrent from its metainfo: checks existing data, then downloads or seeds.</summary>
    /// <exception cref="InvalidOperationException">The torrent is already in the engine.</exception>
    public Task<TorrentSession> AddAsync(Torrent torrent, TorrentOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(torrent);
        var tiers = torrent.AnnounceTiers
            .Select(tier => (IReadOnlyList<Uri>)[.. tier.Select(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null).OfType<Uri>()])
            .ToList();
        return AddAsync(torrent.Info.InfoHash, torrent.Info, torrent.Info.Name, [], tiers, options, cancellationToken);
    }

    /// <summary>Adds a torrent from a magnet link: fetches the info dictionary from peers (BEP 9), then downloads. Its
    /// <c>tr</c> trackers are announced to in order, each a tier of its own.</summary>
    /// <exception cref="InvalidOperationException">The torrent is already in the engine.</exception>
    public Task<TorrentSession> AddAsync(MagnetLink magnet, TorrentOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(magnet);
        var peers = magnet.Peers.OfType<IPEndPoint>().ToList();
        var tiers = magnet.Trackers.Select(uri => (IReadOnlyList<Uri>)[uri]).ToList();
        return AddAsync(magnet.InfoHash, null, magnet.DisplayName, peers, tiers, options, cancellationToken);
    }

    private Task<TorrentSession> AddAsync(InfoHash infoHash, TorrentInfo? info, string? name, IReadOnlyList<IPEndPoint> magnetPeers,
        IReadOnlyList<IReadOnlyList<Uri>> trackerTiers, TorrentOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        var session = new TorrentSession(this, infoHash, info, name, trackerTiers, options);
        if (!_sessions.TryAdd(infoHash, session))
            throw new InvalidOperationException($"the torrent {infoHash} is already in the engine");
        _mseTorrents.Add(infoHash); // before any peer is dialled, so MSE peers find it as soon as plaintext ones do
        session.Start(magnetPeers);
        return Task.FromResult(session);
    }

    /// <summary>Stops a torrent (resume data is written), closes its connections and removes it from the engine.</summary>
    public async ValueTask RemoveAsync(TorrentSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        await session.StopAsync().ConfigureAwait(false);
        if (_sessions.TryRemove(new KeyValuePair<InfoHash, TorrentSession>(session.InfoHash, session))) _mseTorrents.Remove(session.InfoHash);
    }

    /// <summary>
    /// The engine's alerts, oldest first, until the engine is disposed or <paramref name="cancellationToken"/> is
    /// cancelled. Alerts are queued (at most <see cref="EngineOptions.AlertCapacity"/>, the oldest dropped first); a slow
    /// reader never slows a torrent. Each alert is delivered to one reader.
    /// </summary>
    public IAsyncEnumerable<Alert> ReadAlertsAsync(CancellationToken cancellationToken = default) => Alerts.ReadAllAsync(cancellationToken);

    /// <summary>Wire options for a new connection, on the engine's clock and logs.</summary>
    internal WireOptions CreateWireOptions(int? pieceCount = null) => new()
    {
        TimeProvider = Options.TimeProvider,
        LoggerFactory = Options.LoggerFactory,
        PieceCount = pieceCount,
    };

    /// <summary>Takes one of the engine's connection slots; false when <see cref="EngineOptions.MaxConnections"/> are in use.</summary>
    internal bool TryReserveConnection()
    {
        if (Interlocked.Increment(ref _connections) <= Options.MaxConnections) return true;
        Interlocked.Decrement(ref _connections);
        return false;
    }

    /// <summary>Gives back a slot taken with <see cref="TryReserveConnection"/>.</summary>
    internal void ReleaseConnection() => Interlocked.Decrement(ref _connections);

    /// <summary>True when <paramref name="endPoint"/> is one of our own listen addresses (never dial ourselves).</summary>
    internal bool IsOwnEndPoint(IPEndPoint endPoint) =>
        endPoint.Port == ListenPort && (IPAddress.IsLoopback(endPoint.Address) || _localAddresses.Contains(endPoint.Address)
            || ListenEndPoints.Any(l => l.Address.Equals(endPoint.Address)));

    private void CollectLocalAddresses()
    {
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
                foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
                    _localAddresses.Add(unicast.Address);
        }
        catch (NetworkInformationException ex)
        {
            Logger.LogDebug(ex, "cannot list the host's addresses");
        }
    }

    private void OnAccepted(Wire.Wire wire, IPEndPoint remote, InfoHash? mseInfoHash)
    {
        // The wire's own handshake timeout (WireOptions.HandshakeTimeout) closes a connection that never names a torrent.
        wire.HandshakeReceived += (_, e) =>
        {
            if (mseInfoHash is { } keyed && keyed != e.InfoHash)
                wire.Close(WireCloseReason.InfoHashMismatch, $"the MSE handshake was for {keyed}, the BitTorrent handshake for {e.InfoHash}");
            else if (_sessions.TryGetValue(e.InfoHash, out var session)) session.AcceptIncoming(wire, remote, e);
            else wire.Close(WireCloseReason.InfoHashMismatch, $"no torrent {e.InfoHash} here");
        };
        wire.Start();
    }

    /// <summary>Stops every torrent (writing resume data, announcing <c>stopped</c>), closes every connection, the listeners, the
    /// tracker client and the DHT node it created.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await Task.WhenAll(_sessions.Values.Select(s => s.StopAsync().AsTask())).ConfigureAwait(false);
        _sessions.Clear();
        await _transport.DisposeAsync().ConfigureAwait(false);
        if (_ownsDht && Dht is not null) await Dht.DisposeAsync().ConfigureAwait(false);
        _replenish?.Dispose();
        _second.Dispose();
        UploadLimiter.Dispose();
        DownloadLimiter.Dispose();
        TrackerClient.Dispose();
        Alerts.Complete();
        Metrics.Dispose();
    }
}
