using System.Collections.Concurrent;
using System.Net;
using BitTorrent.Client;
using BitTorrent.Dht;
using BitTorrent.Extensions;
using BitTorrent.Metainfo;
using Microsoft.Extensions.Logging;

namespace BitTorrent.Cli.Demo;

/// <summary>
/// A whole swarm in one process on loopback: a DHT of <see cref="DemoOptions.DhtNodes"/> nodes, one seeder engine with
/// generated multi-file content, and <see cref="DemoOptions.Leechers"/> leecher engines that start from the magnet link.
/// Odd leechers find the seeder and each other on the DHT; even ones run without a DHT node and start from a magnet
/// that names the seeder (<c>x.pe</c>), so every other peer they meet comes through PEX. All fetch the info dictionary
/// with ut_metadata. The seeder uploads at most a quarter of the content per second (at least 1 MiB/s), so one copy
/// takes it about four seconds and the leechers get most of the data from each other. Nothing leaves 127.0.0.1.
/// </summary>
internal sealed class DemoSwarm(DemoOptions options, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly List<DhtNode> _dht = [];
    private readonly List<ClientEngine> _engines = [];
    private readonly List<Task> _readers = [];
    private readonly CancellationTokenSource _stop = new();
    private string? _root;

    /// <summary>The seeder's session, once started.</summary>
    public TorrentSession? Seeder { get; private set; }

    /// <summary>The torrent the swarm shares.</summary>
    public Torrent? Torrent { get; private set; }

    /// <summary>One entry per leecher, in start order.</summary>
    public IReadOnlyList<DemoPeer> Leechers => _leechers;

    private readonly List<DemoPeer> _leechers = [];

    /// <summary>Builds the DHT and the seeder, then starts the leechers from the magnet link.</summary>
    public async Task StartAsync(Action<string> progress, CancellationToken cancellationToken)
    {
        _root = Directory.CreateTempSubdirectory("bt-demo-").FullName;
        string content = DemoContent.Write(Path.Combine(_root, "seeder"), options.Size, options.Seed);
        Torrent = await TorrentCreator.CreateAsync(content, new TorrentCreateOptions { CreatedBy = "bt demo" }, cancellationToken: cancellationToken);
        progress($"content: {Torrent.Info.Files.Count} files, {Parsing.ByteSize.Format(Torrent.Info.TotalLength)} in {Torrent.Info.PieceCount} pieces");

        var bootstrap = await StartDhtAsync(cancellationToken);
        progress($"dht: {_dht.Count} nodes on 127.0.0.1");

        var announced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var infoHash = Torrent.Info.InfoHash;
        foreach (var node in _dht) node.Announced += (_, e) => { if (e.InfoHash == infoHash) announced.TrySetResult(); };

        var seederEngine = await StartEngineAsync(bootstrap, cancellationToken, uploadRateLimit: Math.Max(1L << 20, options.Size / 4));
        Seeder = await seederEngine.AddAsync(Torrent, new TorrentOptions { SaveDirectory = Path.Combine(_root, "seeder") }, cancellationToken);
        _readers.Add(DrainAsync(seederEngine, null));
        await announced.Task.WaitAsync(cancellationToken);
        var magnet = new MagnetLink(infoHash, Torrent.Info.Name);
        var withSeeder = new MagnetLink(infoHash, Torrent.Info.Name, peers: [new IPEndPoint(IPAddress.Loopback, seederEngine.ListenPort)]);
        progress($"seeder: announced on the DHT, port {seederEngine.ListenPort}; odd leechers start from {magnet}, even ones (no DHT) from {withSeeder}");

        for (int i = 0; i < options.Leechers; i++)
        {
            bool dht = i % 2 == 0; // leecher 1, 3, 5, ... (index 0, 2, 4, ...)
            var engine = await StartEngineAsync(dht ? bootstrap : null, cancellationToken);
            var peer = new DemoPeer($"leecher {i + 1}", engine, TimeProvider.System);
            _leechers.Add(peer);
            _readers.Add(DrainAsync(engine, peer));
            peer.Session = await engine.AddAsync(dht ? magnet : withSeeder, new TorrentOptions
            {
                SaveDirectory = Path.Combine(_root, $"leecher-{i + 1}"),
                SeedAfterDownload = true,
            }, cancellationToken);
        }
    }

    /// <summary>Waits until every leecher has completed.</summary>
    public Task WhenAllCompleteAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_leechers.Select(l => l.Completed.Task)).WaitAsync(cancellationToken);

    /// <summary>Compares every leecher's files with the seeder's, byte for byte.</summary>
    public async Task<bool> FilesIdenticalAsync(DemoPeer leecher, CancellationToken cancellationToken)
    {
        foreach (var file in Torrent!.Info.Files.Where(f => !f.IsPadding))
        {
            string a = Path.Combine(Seeder!.Options.SaveDirectory, file.Path), b = Path.Combine(leecher.Session!.Options.SaveDirectory, file.Path);
            if (!File.Exists(b)) return false;
            var (x, y) = (await File.ReadAllBytesAsync(a, cancellationToken), await File.ReadAllBytesAsync(b, cancellationToken));
            if (!x.AsSpan().SequenceEqual(y)) return false;
        }
        return true;
    }

    private async Task<IReadOnlyList<EndPoint>> StartDhtAsync(CancellationToken cancellationToken)
    {
        var first = new DhtNode(new DhtNodeOptions { BootstrapNodes = [], LoggerFactory = loggerFactory });
        first.Listen(0, IPAddress.Loopback);
        _dht.Add(first);
        IReadOnlyList<EndPoint> bootstrap = [new IPEndPoint(IPAddress.Loopback, first.LocalEndPoint!.Port)];
        for (int i = 1; i < options.DhtNodes; i++)
        {
            var node = new DhtNode(new DhtNodeOptions { BootstrapNodes = bootstrap, LoggerFactory = loggerFactory });
            node.Listen(0, IPAddress.Loopback);
            _dht.Add(node);
        }
        await Task.WhenAll(_dht.Skip(1).Select(n => n.WaitForReadyAsync(cancellationToken)));
        return [.. _dht.Take(4).Select(n => (EndPoint)new IPEndPoint(IPAddress.Loopback, n.LocalEndPoint!.Port))];
    }

    /// <summary>An engine on loopback; with <paramref name="bootstrap"/> null it runs without a DHT node.</summary>
    private async Task<ClientEngine> StartEngineAsync(IReadOnlyList<EndPoint>? bootstrap, CancellationToken cancellationToken,
        long uploadRateLimit = 0)
    {
        var engine = await ClientEngine.StartAsync(new EngineOptions
        {
            UploadRateLimit = uploadRateLimit,
            ListenAddresses = [IPAddress.Loopback],
            EnableDht = bootstrap is not null,
            DhtBootstrapNodes = bootstrap ?? [],
            LoggerFactory = loggerFactory,
        }, cancellationToken);
        _engines.Add(engine);
        return engine;
    }

    private async Task DrainAsync(ClientEngine engine, DemoPeer? peer)
    {
        try
        {
            await foreach (var alert in engine.ReadAlertsAsync(_stop.Token)) peer?.Observe(alert);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stops every engine and node and deletes the generated files.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var engine in _engines) await engine.DisposeAsync();
        await Task.WhenAll(_readers);
        foreach (var node in _dht) await node.DisposeAsync();
        _stop.Dispose();
        if (_root is not null) Directory.Delete(_root, recursive: true);
    }
}

/// <summary>One leecher of the demo and what it saw.</summary>
internal sealed class DemoPeer(string name, ClientEngine engine, TimeProvider time)
{
    private readonly ConcurrentDictionary<IPEndPoint, PeerSource> _seen = new();
    private readonly long _started = time.GetTimestamp();
    private int _verified, _failures;

    /// <summary>The leecher's name in the output.</summary>
    public string Name { get; } = name;

    /// <summary>The leecher's engine.</summary>
    public ClientEngine Engine { get; } = engine;

    /// <summary>The leecher's torrent.</summary>
    public TorrentSession? Session { get; set; }

    /// <summary>Completes when every piece is verified.</summary>
    public TaskCompletionSource Completed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Seconds from start to completion (or until now).</summary>
    public double Seconds { get; private set; }

    /// <summary>Pieces verified so far.</summary>
    public int PiecesVerified => Volatile.Read(ref _verified);

    /// <summary>Pieces that failed their hash check.</summary>
    public int HashFailures => Volatile.Read(ref _failures);

    /// <summary>Distinct peers connected, by how we learned of them.</summary>
    public int PeersFrom(PeerSource source) => _seen.Values.Count(s => s == source);

    /// <summary>Records one alert of the leecher's engine.</summary>
    public void Observe(Alert alert)
    {
        switch (alert)
        {
            case PeerConnectedAlert a:
                _seen.TryAdd(a.Peer.EndPoint, a.Peer.Source);
                break;
            case PieceVerifiedAlert:
                Interlocked.Increment(ref _verified);
                break;
            case HashFailedAlert:
                Interlocked.Increment(ref _failures);
                break;
            case TorrentCompletedAlert:
                Seconds = time.GetElapsedTime(_started).TotalSeconds;
                Completed.TrySetResult();
                break;
        }
    }
}
