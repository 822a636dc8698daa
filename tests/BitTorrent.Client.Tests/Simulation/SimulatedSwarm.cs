using System.Net;

namespace BitTorrent.Client.Tests.Simulation;

/// <summary>One engine of a <see cref="SimulatedSwarm"/> with its torrent.</summary>
/// <param name="Engine">The engine.</param>
/// <param name="Session">Its torrent.</param>
/// <param name="Storage">The torrent's in-memory pieces.</param>
/// <param name="EndPoint">The engine's address on the network.</param>
/// <param name="Alerts">Its alerts.</param>
internal sealed record SimulatedPeer(ClientEngine Engine, TorrentSession Session, SimulatedStorage Storage, IPEndPoint EndPoint, AlertWatcher Alerts);

/// <summary>
/// Engines that share one torrent on a <see cref="SimulatedNetwork"/>: each gets the simulated transport, in-memory
/// storage, the network's virtual clock and no DHT. Disposing stops every engine.
/// </summary>
internal sealed class SimulatedSwarm : IAsyncDisposable
{
    public SimulatedSwarm(SimulatedContent content)
    {
        Content = content;
        Log = new CapturedLog(() => Network.Elapsed);
    }

    /// <summary>A wall-clock bound on waits that do not depend on virtual time (a failing test fails, it does not hang).</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly List<SimulatedPeer> _peers = [];

    public SimulatedNetwork Network { get; } = new();

    public SimulatedContent Content { get; }

    /// <summary>Every engine's log (warnings and up unless changed before the first engine starts).</summary>
    public CapturedLog Log { get; }

    public IReadOnlyList<SimulatedPeer> Peers => _peers;

    /// <summary>A seed: an engine with every piece.</summary>
    public Task<SimulatedPeer> AddSeedAsync() => AddPeerAsync(_ => true);

    /// <summary>
    /// Starts an engine whose storage holds the pieces <paramref name="initial"/> selects, adds the torrent with
    /// <paramref name="configure"/>'s options (the engine's with <paramref name="configureEngine"/>) and waits until the
    /// torrent accepts peers.
    /// </summary>
    public async Task<SimulatedPeer> AddPeerAsync(Func<int, bool> initial, Func<TorrentOptions, TorrentOptions>? configure = null,
        Func<EngineOptions, EngineOptions>? configureEngine = null)
    {
        var endPoint = Network.NextEndPoint();
        var storage = new SimulatedStorage(Content, Network, initial);
        var engineOptions = new EngineOptions
        {
            Transport = new SimulatedPeerTransport(Network, endPoint),
            EnableDht = false,
            TimeProvider = Network.Clock,
            StorageFactory = (_, _) => storage,
            LoggerFactory = Log,
        };
        var engine = await ClientEngine.StartAsync(configureEngine?.Invoke(engineOptions) ?? engineOptions);
        var alerts = new AlertWatcher(engine, _ => Network.Touch());
        var options = new TorrentOptions { SaveDirectory = "unused: the storage is in memory" };
        var session = await engine.AddAsync(Content.Torrent, configure?.Invoke(options) ?? options);
        Network.Watch(session, storage);
        await alerts.WaitForAsync(a => a is StateChangedAlert { State: TorrentState.Downloading }).WaitAsync(Bound);
        var peer = new SimulatedPeer(engine, session, storage, endPoint, alerts);
        _peers.Add(peer);
        return peer;
    }

    /// <summary>Runs virtual time until every given peer completed (or <paramref name="limit"/> passed); true when they did.</summary>
    public Task<bool> RunUntilCompleteAsync(IEnumerable<SimulatedPeer> peers, TimeSpan limit)
    {
        var waiting = peers.ToList();
        return Network.RunAsync(limit, () => waiting.All(p => p.Session.WaitForCompletionAsync().IsCompletedSuccessfully));
    }

    /// <summary>The virtual time, every peer's state and the links, then the log: for failure messages.</summary>
    public string Describe() =>
 $"at {Network.Elapsed}, {ThreadPool.ThreadCount} pool threads, {ThreadPool.PendingWorkItemCount} items queued:\n" + string.Join("\n", _peers.Select(p => $"{p.EndPoint} {p.Session.State} {p.Session.Progress:P0} peers {p.Session.Peers.Count}"))
        + "\n" + Network.Describe() + "\n" + string.Join("\n", Log.Lines.TakeLast(60));

    public async ValueTask DisposeAsync()
    {
        foreach (var peer in _peers) await peer.Alerts.DisposeAsync();
        foreach (var peer in _peers) await peer.Engine.DisposeAsync();
    }
}
