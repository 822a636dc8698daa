using System.Net;
using BitTorrent.Dht.Krpc;

namespace BitTorrent.Dht.Lookup;

/// <summary>find_node towards a target (bootstrap, bucket refresh).</summary>
internal sealed class FindNodeTraversal(DhtNode node, NodeId target, Action<FindNodeTraversal> finished)
    : Traversal(node, target, KrpcMethod.FindNode)
{
    protected override void WriteArguments(ref KrpcMessage message) => message.Target = TargetBytes;

    protected override void OnResponse(Candidate candidate, in KrpcMessage response)
    {
    }

    protected override void OnFinished() => finished(this);
}

/// <summary>get_peers towards an info hash: reports every peer once, and keeps the tokens for announce_peer.</summary>
internal sealed class GetPeersTraversal(DhtNode node, InfoHash infoHash, Action<GetPeersTraversal> finished)
    : Traversal(node, NodeId.FromInfoHash(infoHash), KrpcMethod.GetPeers)
{
    private const int MaxPeers = 4096;
    private readonly HashSet<NodeEndPoint> _peerSet = [];

    public InfoHash InfoHash { get; } = infoHash;

    public List<IPEndPoint> Peers { get; } = [];

    /// <summary>Set by abort: stop reporting peers.</summary>
    public bool Silenced { get; set; }

    protected override void WriteArguments(ref KrpcMessage message) => message.InfoHash = TargetBytes;

    protected override void OnResponse(Candidate candidate, in KrpcMessage response)
    {
        if (response.Values.IsEmpty)
        {
            return;
        }
        Span<NodeEndPoint> peers = stackalloc NodeEndPoint[64];
        int count = KrpcValues.Read(response.Values, peers);
        for (int i = 0; i < count && Peers.Count < MaxPeers; i++)
        {
            if (_peerSet.Add(peers[i]))
            {
                var peer = peers[i].ToIPEndPoint();
                Peers.Add(peer);
                if (!Silenced)
                {
                    Node.RaisePeerFound(peer, InfoHash, candidate.Destination.ToIPEndPoint());
                }
            }
        }
    }

    protected override void OnFinished() => finished(this);
}

/// <summary>BEP 44 get towards a key: accepts only items that hash to the target and carry a valid signature.</summary>
internal sealed class GetItemTraversal(DhtNode node, NodeId target, DhtGetOptions options, Action<GetItemTraversal> finished)
    : Traversal(node, target, KrpcMethod.Get)
{
    /// <summary>The best item found (an immutable one, or the mutable one with the highest seq).</summary>
    public DhtItem? Item { get; private set; }

    /// <summary>When set, stop at the first valid value (a plain get); a put's pre-lookup keeps going for tokens.</summary>
    public bool StopAtFirstImmutable { get; init; } = true;

    protected override void WriteArguments(ref KrpcMessage message) => message.Target = TargetBytes;

    protected override void OnResponse(Candidate candidate, in KrpcMessage response)
    {
        if (response.Value.IsEmpty || response.Value.Length > DhtItemTargets.MaxValueLength)
        {
            return;
        }
        if (response.Key.IsEmpty)
        {
            if (DhtItemTargets.Immutable(response.Value) == Target)
            {
                Item = new DhtItem { Value = response.Value.ToArray() };
                if (StopAtFirstImmutable)
                {
                    Finish();
                }
            }
            return;
        }
        if (response.Sequence is not long seq || (Item is not null && Item.Sequence >= seq))
        {
            return;
        }
        var item = new DhtItem
        {
            Value = response.Value.ToArray(),
            PublicKey = response.Key.ToArray(),
            Signature = response.Signature.ToArray(),
            Salt = options.Salt,
            Sequence = seq,
        };
        if (item.Target == Target && item.VerifySignature(options.Verify ?? Node.Verifier))
        {
            Item = item;
        }
    }

    protected override void OnFinished() => finished(this);
}

/// <summary>A single query with a completion callback (ping, announce_peer, put, sample_infohashes).</summary>
internal sealed class SingleQuery : PendingQuery
{
    public delegate void ArgumentWriter(ref KrpcMessage message);

    public delegate void ResponseHandler(in KrpcMessage response);

    private readonly ArgumentWriter? _write;
    private readonly ResponseHandler _onResponse;
    private readonly Action<long> _onFailure;

    public SingleQuery(KrpcMethod method, NodeEndPoint destination, NodeId? expectedId, ArgumentWriter? write,
        ResponseHandler onResponse, Action<long> onFailure)
        : base(method, destination, expectedId)
    {
        _write = write;
        _onResponse = onResponse;
        _onFailure = onFailure;
    }

    public override void WriteArguments(ref KrpcMessage message) => _write?.Invoke(ref message);

    public override void OnResponse(in KrpcMessage response) => _onResponse(response);

    public override void OnFailure(long errorCode) => _onFailure(errorCode);
}
