using System.Net;
using System.Net.Sockets;
using BitTorrent.Dht.Krpc;
using BitTorrent.Dht.Lookup;
using BitTorrent.Dht.RoutingTable;
using BitTorrent.Dht.Security;
using BitTorrent.Dht.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitTorrent.Dht;

/// <summary>
/// A Mainline DHT node (BEP 5) with BEP 32, 42, 43, 44 and 51: lookups, announces, BEP 44 get/put, and the server
/// side that answers other nodes.
/// </summary>
/// <remarks>
/// Threading: every member may be called from any thread. One lock guards the node's state; no user code ever runs
/// under it. Events are raised after the lock is released, one at a time and in order, on a thread-pool thread (never
/// on the receive loop, the timer or the calling thread), so a handler may call back into the node; a handler that
/// throws is logged and counted, one that blocks delays only later events (at most
/// <see cref="DhtNodeOptions.MaxQueuedEvents"/> wait). Task continuations always run asynchronously. Every timeout and
/// expiry runs on <see cref="DhtNodeOptions.TimeProvider"/>'s monotonic timestamps. Close with
/// <see cref="DisposeAsync"/> (or <see cref="Dispose"/>, which does not wait for event handlers).
/// </remarks>
public sealed partial class DhtNode : IDisposable, IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly DhtNodeOptions _options;
    private readonly TimeProvider _time;
    private readonly long _createdTimestamp;
    private readonly Random _random;
    private readonly ILogger _logger;
    private readonly byte[] _idBytes;
    private readonly byte[] _version;
    private readonly DhtRoutingTable _table;
    private readonly TokenManager _tokens;
    private readonly PeerStore _peers;
    private readonly ItemStore _items;
    private readonly RateLimiter _rateLimiter;
    private readonly Dictionary<UInt128, int> _externalVotes = [];
    private readonly HashSet<Action> _pendingOperations = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IDhtTransport? _transport;
    private List<NodeEndPoint> _routers = [];
    private NodeEndPoint? _externalAddress;
    private bool _bootstrapping;
    private bool _routersTried;
    private bool _destroyed;

    /// <summary>Creates a node; call <see cref="Listen"/> to start it.</summary>
    public DhtNode(DhtNodeOptions? options = null)
    {
        _options = options ?? new DhtNodeOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.K, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Concurrency, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.LookupParallelism, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.LookupWidth, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.SlowQueryTimeout, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxQueuedEvents, 1, nameof(options));
        _time = _options.TimeProvider;
        _createdTimestamp = _time.GetTimestamp();
        _random = _options.Random ?? new Random();
        _logger = (_options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<DhtNode>();
        _events = new DhtEventDispatcher(_logger, _options.MaxQueuedEvents);
        Verifier = _options.Verify ?? Ed25519Signatures.Verifier;
        Id = _options.NodeId
            ?? (_options.State?.NodeId is string saved && NodeId.TryParse(saved, out var restored) ? restored
                : _options.ExternalAddress is IPAddress external ? NodeIdSecurity.CreateId(external, _random)
                : NodeId.CreateRandom(_random));
        _idBytes = Id.ToArray();
        _version = _options.ClientVersion.ToArray();
        long now = NowTicks;
        _table = new DhtRoutingTable(Id, _options.K, _options.RestrictRoutingIps, now);
        _table.ContactAdded += contact => Raise(NodeAdded, new DhtNodeEventArgs(contact.Id, contact.EndPoint.ToIPEndPoint()));
        _tokens = new TokenManager(_random, now);
        _peers = new PeerStore(_options.MaxTorrents, _options.MaxPeersPerTorrent, _options.PeerTimeToLive, _options.MaxStoredPerSource);
        _items = new ItemStore(_options.MaxItems, _options.ItemTimeToLive, _options.MaxStoredPerSource);
        _rateLimiter = new RateLimiter(_options.MaxPacketsPerSecondPerIp, _options.BlockDuration,
            packetsPerSecondPerSubnet: _options.MaxPacketsPerSecondPerSubnet);
        _nextTransactionId = (ushort)_random.Next(ushort.MaxValue + 1);
        _budget = _options.MaxOutboundPacketsPerSecond;
        _budgetRefilledTicks = now;
    }

    /// <summary>K: the bucket size, and how many of the closest nodes announces and puts store on.</summary>
    public int K => _options.K;

    /// <summary>Maximum queries in flight for the whole node.</summary>
    public int Concurrency => _options.Concurrency;

    /// <summary>α: queries one lookup keeps running at once.</summary>
    public int LookupParallelism => _options.LookupParallelism;

    /// <summary>How many of the closest live nodes must answer before a lookup finishes.</summary>
    public int LookupWidth => _options.LookupWidth;

    /// <summary>Our node id.</summary>
    public NodeId Id { get; }

    /// <summary>The local address, once listening.</summary>
    public IPEndPoint? LocalEndPoint => _transport?.LocalEndPoint;

    /// <summary>Our external address as reported by other nodes (BEP 42 <c>ip</c>), when known.</summary>
    public IPEndPoint? ExternalEndPoint
    {
        get
        {
            lock (_gate)
            {
                return _externalAddress?.ToIPEndPoint();
            }
        }
    }

    /// <summary>True once <see cref="Listen"/> has started the transport.</summary>
    public bool IsListening { get; private set; }

    /// <summary>True once the bootstrap traversal has finished (bittorrent-dht 'ready').</summary>
    public bool IsReady => _ready.Task.IsCompleted;

    /// <summary>True after <see cref="Dispose"/>.</summary>
    public bool IsDestroyed => _destroyed;

    /// <summary>The number of contacts in the routing table.</summary>
    public int NodeCount
    {
        get
        {
            lock (_gate)
            {
                return _table.Count;
            }
        }
    }

    internal bool AddressFamilyIsIPv6 { get; private set; }

    internal DhtSignatureVerifier Verifier { get; }

    private IReadOnlyList<EndPoint> BootstrapRouters => _options.BootstrapNodes ?? DhtNodeOptions.DefaultBootstrapNodes;

    /// <summary>
    /// Starts the node: on <see cref="DhtNodeOptions.Transport"/> when given (port and address are then ignored),
    /// otherwise on a new UDP socket bound to <paramref name="address"/>:<paramref name="port"/> (0: any port).
    /// Then it restores the saved state and bootstraps.
    /// </summary>
    /// <exception cref="SocketException">The port could not be bound (also raised as <see cref="Error"/>).</exception>
    public void Listen(int port = 0, IPAddress? address = null)
    {
        ObjectDisposedException.ThrowIf(_destroyed, this);
        if (IsListening)
        {
            throw new InvalidOperationException("The node is already listening.");
        }
        IDhtTransport transport;
        try
        {
            transport = _options.Transport ?? new UdpDhtTransport(port, address, _time);
        }
        catch (SocketException ex)
        {
            Raise(Error, new DhtErrorEventArgs(ex));
            throw;
        }
        lock (_gate)
        {
            if (IsListening)
            {
                if (_options.Transport is null) transport.Dispose();
                throw new InvalidOperationException("The node is already listening.");
            }
            _transport = transport;
            AddressFamilyIsIPv6 = transport.LocalEndPoint.AddressFamily == AddressFamily.InterNetworkV6;
            IsListening = true;
            _timer = _time.CreateTimer(OnTimer, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _nextMaintenanceTicks = NowTicks + MaintenanceInterval.Ticks;
            Reschedule(_nextMaintenanceTicks);
            RestoreState();
        }
        if (transport is UdpDhtTransport udp)
        {
            udp.ReceiveError += (_, ex) =>
            {
                lock (_gate)
                {
                    Warn(DhtWarningKind.SocketError, ex.Message, null);
                }
            };
        }
        transport.Start(OnDatagram);
        lock (_gate)
        {
            Raise(Listening);
            StartBootstrap();
        }
    }

    /// <summary>Completes when the node is ready (after the bootstrap traversal).</summary>
    public Task WaitForReadyAsync(CancellationToken cancellationToken = default) => _ready.Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Finds peers for <paramref name="infoHash"/>: first those in our own store, then by an iterative get_peers
    /// traversal that ends once the <see cref="LookupWidth"/> closest live nodes have answered. Every new peer is also raised as <see cref="PeerFound"/>. Cancelling stops the traversal and the events.
    /// </summary>
    public Task<DhtLookupResult> LookupAsync(InfoHash infoHash, CancellationToken cancellationToken = default)
    {
        var tcs = new TaskCompletionSource<DhtLookupResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            ThrowIfNotRunning();
            var local = LocalPeers(infoHash);
            var traversal = new GetPeersTraversal(this, infoHash, t =>
            {
                var peers = local.Concat(t.Peers).Distinct().ToList();
                tcs.TrySetResult(new DhtLookupResult(peers, t.Responded, ClosestResponders(t)));
            }) { Width = _options.LookupWidth };
            foreach (var peer in local)
            {
                Raise(PeerFound, new DhtPeerEventArgs(peer, infoHash, null));
            }
            Run(traversal, tcs, () => traversal.Silenced = true, cancellationToken);
        }
        return tcs.Task;
    }

    /// <summary>
    /// Announces that we have <paramref name="infoHash"/> on <paramref name="port"/> (0: implied_port, the DHT's UDP
    /// port): a get_peers traversal collects tokens, then announce_peer goes to the K closest nodes that gave one.
    /// </summary>
    public Task<DhtAnnounceResult> AnnounceAsync(InfoHash infoHash, int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, ushort.MaxValue);
        var tcs = new TaskCompletionSource<DhtAnnounceResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            ThrowIfNotRunning();
            if (_options.Host is IPAddress host)
            {
                var self = NodeEndPoint.From(new IPEndPoint(host, port == 0 ? _transport!.LocalEndPoint.Port : port));
                _peers.Add(infoHash, self, NowTicks, local: true);
                Raise(Announced, new DhtAnnounceEventArgs(self.ToIPEndPoint(), infoHash, null));
            }
            var infoHashBytes = infoHash.ToArray();
            var traversal = new GetPeersTraversal(this, infoHash, t =>
            {
                StoreToClosest(t, KrpcMethod.AnnouncePeer, (byte[] token) => (ref KrpcMessage m) =>
                {
                    m.InfoHash = infoHashBytes;
                    m.Token = token;
                    m.Port = port == 0 ? _transport?.LocalEndPoint.Port ?? 0 : port;
                    if (port == 0) m.ImpliedPort = 1;
                }, (queried, accepted, error) => tcs.TrySetResult(new DhtAnnounceResult(t.Peers, queried, accepted, error)));
            });
            Run(traversal, tcs, null, cancellationToken);
        }
        return tcs.Task;
    }

    /// <summary>
    /// Stores a BEP 44 item on the K nodes closest to its target (a get traversal first collects their tokens).
    /// Immutable items are also kept in our own store.
    /// </summary>
    /// <param name="item">The item (see <see cref="DhtItem.CreateImmutable"/> and <c>DhtItem.CreateMutable</c>).</param>
    /// <param name="cas">BEP 44 compare-and-swap: the sequence number the stored item must have.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="ArgumentException">The value is empty or over 1000 bytes, or a mutable item's key, signature or salt is malformed.</exception>
    public Task<DhtPutResult> PutAsync(DhtItem item, long? cas = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        ValidateItem(item);
        var target = item.Target;
        var tcs = new TaskCompletionSource<DhtPutResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            ThrowIfNotRunning();
            if (!item.IsMutable)
            {
                _items.Put(target, item, NowTicks);
            }
            byte[] value = item.Value.ToArray(), key = item.PublicKey.ToArray(), sig = item.Signature.ToArray(), salt = item.Salt.ToArray();
            var traversal = new GetItemTraversal(this, target, new DhtGetOptions(), t =>
            {
                StoreToClosest(t, KrpcMethod.Put, (byte[] token) => (ref KrpcMessage m) =>
                {
                    m.Token = token;
                    m.Value = value;
                    if (key.Length > 0)
                    {
                        m.Key = key;
                        m.Signature = sig;
                        m.Salt = salt;
                        m.Sequence = item.Sequence;
                        m.Cas = cas;
                    }
                }, (queried, accepted, error) => tcs.TrySetResult(new DhtPutResult(target, queried, accepted, error)));
            }) { StopAtFirstImmutable = false };
            Run(traversal, tcs, null, cancellationToken);
        }
        return tcs.Task;
    }

    /// <summary>
    /// Gets a BEP 44 item: immutable items must hash to <paramref name="target"/>; mutable ones must hash to it with
    /// <see cref="DhtGetOptions.Salt"/> and carry a valid signature; the highest seq wins. Null when none was found.
    /// </summary>
    public Task<DhtItem?> GetAsync(NodeId target, DhtGetOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new DhtGetOptions();
        var tcs = new TaskCompletionSource<DhtItem?>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            ThrowIfNotRunning();
            if (options.UseCache && _items.Get(target, NowTicks) is DhtItem cached)
            {
                tcs.TrySetResult(cached);
                return tcs.Task;
            }
            var traversal = new GetItemTraversal(this, target, options, t => tcs.TrySetResult(t.Item)) { Width = _options.LookupWidth };
            Run(traversal, tcs, null, cancellationToken);
        }
        return tcs.Task;
    }

    /// <summary>Pings a node; returns its id, or null when it did not answer. A node that answers enters the table.</summary>
    public Task<NodeId?> PingAsync(IPEndPoint endPoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var tcs = new TaskCompletionSource<NodeId?>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            ThrowIfNotRunning();
            RunSingle(new SingleQuery(KrpcMethod.Ping, NodeEndPoint.From(endPoint), null, null,
                (in KrpcMessage r) => tcs.TrySetResult(new NodeId(r.Id)), _ => tcs.TrySetResult(null)), tcs, cancellationToken);
        }
        return tcs.Task;
    }

    /// <summary>BEP 51: asks one node for a sample of the info hashes it stores.</summary>
    /// <exception cref="TimeoutException">The node did not answer.</exception>
    /// <exception cref="DhtProtocolException">The node answered with a KRPC error.</exception>
    public Task<DhtSampleResult> SampleInfohashesAsync(IPEndPoint endPoint, NodeId target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var tcs = new TaskCompletionSource<DhtSampleResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var targetBytes = target.ToArray();
        lock (_gate)
        {
            ThrowIfNotRunning();
            RunSingle(new SingleQuery(KrpcMethod.SampleInfohashes, NodeEndPoint.From(endPoint), null,
                (ref KrpcMessage m) => m.Target = targetBytes,
                (in KrpcMessage r) => tcs.TrySetResult(ParseSamples(r)),
                code => tcs.TrySetException(code > 0 ? new DhtProtocolException(code) : new TimeoutException("sample_infohashes timed out."))),
                tcs, cancellationToken);
        }
        return tcs.Task;
    }

    /// <summary>
    /// Adds a node (bittorrent-dht addNode). With an id it goes straight into the table (as a questionable contact,
    /// checked later); without one it is pinged and enters the table if it answers.
    /// </summary>
    /// <returns>True when the node was added to a bucket now.</returns>
    public bool AddNode(IPEndPoint endPoint, NodeId? id = null)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_destroyed, this);
            var at = NodeEndPoint.From(endPoint);
            if (id is NodeId known)
            {
                bool added = _table.TryAdd(known, at, NowTicks, responded: false, isVerified: true, out _) == RoutingTableInsertResult.Added;
                PublishContactsForSibling();
                return added;
            }
            if (_transport is not null)
            {
                SendQuery(new SingleQuery(KrpcMethod.Ping, at, null, null, static (in KrpcMessage _) => { }, static _ => { }));
            }
            return false;
        }
    }

    /// <summary>Removes a node from the routing table.</summary>
    public bool RemoveNode(NodeId id)
    {
        lock (_gate)
        {
            bool removed = _table.Remove(id);
            PublishContactsForSibling();
            return removed;
        }
    }

    /// <summary>The routing table's contacts with their ids (bittorrent-dht toArray).</summary>
    public IReadOnlyList<DhtNodeInfo> GetNodes()
    {
        lock (_gate)
        {
            return _table.Contacts().Select(c => new DhtNodeInfo(c.Id, c.EndPoint.ToIPEndPoint())).ToList();
        }
    }

    /// <summary>The K contacts closest to <paramref name="target"/> in our table, closest first.</summary>
    public IReadOnlyList<DhtNodeInfo> GetClosestNodes(NodeId target)
    {
        lock (_gate)
        {
            var closest = new DhtContact?[_options.K];
            int count = _table.FindClosest(target, closest);
            return closest.Take(count).Select(c => new DhtNodeInfo(c!.Id, c.EndPoint.ToIPEndPoint())).ToList();
        }
    }

    /// <summary>Stops the node (bittorrent-dht destroy): every pending operation fails with <see cref="ObjectDisposedException"/>,
    /// the timer stops, the transport is disposed and <see cref="Closed"/> is queued. Idempotent; does not wait for event
    /// handlers (see <see cref="DisposeAsync"/>).</summary>
    public void Dispose()
    {
        IDhtTransport? transport;
        lock (_gate)
        {
            if (_destroyed)
            {
                return;
            }
            _destroyed = true;
            _timer?.Dispose();
            var queries = _inflight.Values.Concat(_waiting).ToList();
            _inflight.Clear();
            _waiting.Clear();
            _deadlines.Clear();
            _slowChecks.Clear();
            foreach (var operation in _pendingOperations.ToList())
            {
                operation();
            }
            _pendingOperations.Clear();
            foreach (var query in queries.Where(q => !q.IsDone))
            {
                query.IsDone = true;
                query.OnFailure(PendingQuery.Cancelled);
            }
            _ready.TrySetException(new ObjectDisposedException(nameof(DhtNode)));
            _ready.Task.Exception?.Handle(_ => true);
            _peers.Clear();
            _items.Clear();
            transport = _transport;
        }
        Unpair();
        transport?.Dispose();
        Raise(Closed);
    }

    /// <summary>Stops the node as <see cref="Dispose"/> does, then completes once every event it raised, <see cref="Closed"/>
    /// last, has been handled.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return new ValueTask(_events.WhenIdleAsync());
    }

    private void ThrowIfNotRunning()
    {
        ObjectDisposedException.ThrowIf(_destroyed, this);
        if (_transport is null)
        {
            throw new InvalidOperationException("Call Listen() first.");
        }
    }

    private static void ValidateItem(DhtItem item)
    {
        if (item.Value.IsEmpty || item.Value.Length > DhtItemTargets.MaxValueLength || !IsSingleBencodedValue(item.Value.Span))
        {
            throw new ArgumentException("v must be one bencoded value of 1 to 1000 bytes.", nameof(item));
        }
        if (item.IsMutable && (item.PublicKey.Length != Ed25519Signatures.PublicKeyLength
            || item.Signature.Length != Ed25519Signatures.SignatureLength || item.Salt.Length > DhtItemTargets.MaxSaltLength))
        {
            throw new ArgumentException("A mutable item needs a 32-byte k, a 64-byte sig and a salt of at most 64 bytes.", nameof(item));
        }
    }
}
