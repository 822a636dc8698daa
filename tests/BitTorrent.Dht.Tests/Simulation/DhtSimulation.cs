using System.Net;
using BitTorrent.Dht.Krpc;

namespace BitTorrent.Dht.Tests.Simulation;

/// <summary>The outcome of one lookup in a <see cref="DhtSimulation"/>.</summary>
/// <param name="Found">The lookup returned the expected peer.</param>
/// <param name="Hops">Iterative hops to the first node that answered with peers: 1 when a node from the looker's own
/// routing table had them, 2 when a node it learned of from such a node had them, and so on; null when none did
/// (0 when the looker had the peer in its own store).</param>
/// <param name="Messages">Datagrams the looking node sent while the lookup ran.</param>
/// <param name="Received">Datagrams the looking node received while the lookup ran.</param>
/// <param name="Bytes">Bytes the looking node sent and received while the lookup ran.</param>
/// <param name="Duration">Virtual time from start to completion.</param>
internal sealed record LookupSample(bool Found, int? Hops, long Messages, long Received, long Bytes, TimeSpan Duration);

/// <summary>Options of a <see cref="DhtSimulation"/>.</summary>
internal sealed record DhtSimulationOptions
{
    public int Nodes { get; init; } = 1000;

    public int Seed { get; init; } = 1;

    /// <summary>Probability that a datagram is lost (applies during bootstrap and lookups).</summary>
    public double LossRate { get; init; }

    /// <summary>Each host's one-way access delay is uniform in [min, max]; a link adds both ends.</summary>
    public TimeSpan MinAccessDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    public TimeSpan MaxAccessDelay { get; init; } = TimeSpan.FromMilliseconds(60);

    /// <summary>Nodes join one after another, this far apart in virtual time.</summary>
    public TimeSpan JoinInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Each joining node bootstraps from this many random earlier nodes.</summary>
    public int BootstrapContacts { get; init; } = 3;

    /// <summary>K for every node; null keeps the <see cref="DhtNodeOptions"/> default.</summary>
    public int? K { get; init; }

    /// <summary>Queries in flight per node; null keeps the <see cref="DhtNodeOptions"/> default.</summary>
    public int? Concurrency { get; init; }

    /// <summary>Queries in flight per lookup (α); null keeps the <see cref="DhtNodeOptions"/> default.</summary>
    public int? LookupParallelism { get; init; }

    /// <summary>Closest live nodes a lookup waits for; null keeps the <see cref="DhtNodeOptions"/> default.</summary>
    public int? LookupWidth { get; init; }
}

/// <summary>
/// Many <see cref="DhtNode"/>s on one <see cref="SimulatedNetwork"/>, driven by one <see cref="VirtualTimeScheduler"/>
/// on the calling thread. Everything (ids, transaction ids, delays, loss, choice of nodes) derives from one seed.
/// </summary>
internal sealed class DhtSimulation : IDisposable
{
    private static readonly TimeSpan OperationLimit = TimeSpan.FromMinutes(5);
    private static readonly DhtNodeOptions Defaults = new();
    private readonly DhtNode[] _nodes;

    public DhtSimulation(DhtSimulationOptions options)
    {
        Options = options;
        Random = new Random(options.Seed);
        Time = new VirtualTimeScheduler(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Network = new SimulatedNetwork(Time, Random, options.LossRate, options.MinAccessDelay, options.MaxAccessDelay);
        _nodes = new DhtNode[options.Nodes];
        for (int i = 0; i < _nodes.Length; i++)
        {
            var transport = Network.AddHost();
            var bootstrap = new EndPoint[i == 0 ? 0 : Math.Min(i, options.BootstrapContacts)];
            for (int b = 0; b < bootstrap.Length; b++)
            {
                bootstrap[b] = Network.Hosts[Random.Next(i)].LocalEndPoint;
            }
            var nodeOptions = new DhtNodeOptions
            {
                Transport = transport,
                TimeProvider = Time,
                Random = Random,
                BootstrapNodes = bootstrap,
                K = options.K ?? Defaults.K,
                Concurrency = options.Concurrency ?? Defaults.Concurrency,
                LookupParallelism = options.LookupParallelism ?? Defaults.LookupParallelism,
                LookupWidth = options.LookupWidth ?? Defaults.LookupWidth,
            };
            _nodes[i] = new DhtNode(nodeOptions);
        }
    }

    public DhtSimulationOptions Options { get; }

    /// <summary>The one random source of the run, shared by the nodes, the network and the test. Sharing is safe here
    /// (unlike on real sockets) because the scheduler runs every node on the calling thread, one event at a time; it
    /// also saves each node a Random of its own.</summary>
    public Random Random { get; }

    public VirtualTimeScheduler Time { get; }

    public SimulatedNetwork Network { get; }

    public IReadOnlyList<DhtNode> Nodes => _nodes;

    /// <summary>Starts the nodes one by one, <see cref="DhtSimulationOptions.JoinInterval"/> apart, and runs until all
    /// are ready. Returns false if some never became ready.</summary>
    public bool Bootstrap()
    {
        for (int i = 0; i < _nodes.Length; i++)
        {
            Time.Schedule(new Join(_nodes[i]), Options.JoinInterval * i);
        }
        // Nodes become ready roughly in join order: scan on from the first one not ready yet (amortized O(1) per event).
        int firstNotReady = 0;
        bool AllReady()
        {
            while (firstNotReady < _nodes.Length && _nodes[firstNotReady].IsReady)
            {
                firstNotReady++;
            }
            return firstNotReady == _nodes.Length;
        }
        return Time.RunUntil(AllReady, Options.JoinInterval * _nodes.Length + OperationLimit);
    }

    /// <summary>Runs <paramref name="task"/> to completion in virtual time and returns it.</summary>
    public T Run<T>(Task<T> task)
    {
        if (!Time.RunUntil(() => task.IsCompleted, OperationLimit))
        {
            throw new TimeoutException($"Not complete after {OperationLimit} of virtual time.");
        }
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Announces <paramref name="infoHash"/> from node <paramref name="announcer"/> (implied port).</summary>
    public DhtAnnounceResult Announce(int announcer, InfoHash infoHash) => Run(_nodes[announcer].AnnounceAsync(infoHash));

    /// <summary>The peer address an implied-port announce from node <paramref name="announcer"/> stores.</summary>
    public IPEndPoint PeerOf(int announcer) => Network.Hosts[announcer].LocalEndPoint;

    /// <summary>Looks up <paramref name="infoHash"/> from node <paramref name="looker"/>, counting its datagrams and hops.</summary>
    public LookupSample Lookup(int looker, InfoHash infoHash, IPEndPoint expected)
    {
        var host = Network.Hosts[looker];
        var hops = new HopTracker(Network, host);
        long sentBefore = host.Sent, receivedBefore = host.Received, bytesBefore = host.SentBytes + host.ReceivedBytes;
        var started = Time.Elapsed;
        Network.Observer = hops.Observe;
        Network.SendObserver = hops.ObserveSend;
        try
        {
            var result = Run(_nodes[looker].LookupAsync(infoHash));
            bool found = result.Peers.Contains(expected);
            int? hopCount = hops.FirstPeersHop ?? (found ? 0 : null);
            return new LookupSample(found, hopCount, host.Sent - sentBefore, host.Received - receivedBefore,
                host.SentBytes + host.ReceivedBytes - bytesBefore, Time.Elapsed - started);
        }
        finally
        {
            Network.Observer = null;
            Network.SendObserver = null;
        }
    }

    /// <summary>A random info hash from the run's random source.</summary>
    public InfoHash RandomInfoHash()
    {
        Span<byte> bytes = stackalloc byte[20];
        Random.NextBytes(bytes);
        return new InfoHash(bytes);
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }
    }

    private sealed class Join(DhtNode node) : VirtualTimeScheduler.IVirtualEvent
    {
        public void Run(VirtualTimeScheduler scheduler) => node.Listen();
    }

    /// <summary>
    /// Follows one lookup from outside: a node the looker queries before hearing of it in this lookup came from its
    /// routing table (depth 0); a node first heard of in a response from a node at depth d is at depth d + 1.
    /// </summary>
    private sealed class HopTracker(SimulatedNetwork network, SimulatedTransport looker)
    {
        private readonly Dictionary<int, int> _depth = [];

        public int? FirstPeersHop { get; private set; }

        public void ObserveSend(SimulatedTransport sender, SimulatedTransport receiver)
        {
            if (sender == looker)
            {
                _depth.TryAdd(receiver.Index, 0);
            }
        }

        public void Observe(SimulatedTransport receiver, ReadOnlySpan<byte> datagram, SimulatedTransport sender)
        {
            if (receiver != looker || !KrpcCodec.TryDecode(datagram, out var message, out _, int.MaxValue)
                || message.Type != KrpcMessageType.Response)
            {
                return;
            }
            int depth = _depth.GetValueOrDefault(sender.Index);
            if (!message.Values.IsEmpty)
            {
                FirstPeersHop ??= depth + 1;
            }
            for (var nodes = message.Nodes; nodes.Length >= 26; nodes = nodes[26..])
            {
                if (network.FindCompact(nodes.Slice(20, 6)) is SimulatedTransport heard)
                {
                    _depth.TryAdd(heard.Index, depth + 1);
                }
            }
        }
    }
}
