using BitTorrent.Dht.Krpc;

namespace BitTorrent.Dht.Lookup;

/// <summary>
/// An iterative Kademlia lookup towards a target: keeps up to α (<see cref="DhtNodeOptions.LookupParallelism"/>)
/// queries running to the closest unqueried candidates, and finishes once the <see cref="Width"/> closest live
/// candidates have all answered with no query outstanding ahead of them. A query unanswered after
/// <see cref="DhtNodeOptions.SlowQueryTimeout"/> gives up its slot (it may still answer until it times out).
/// </summary>
internal abstract class Traversal
{
    private const int MaxCandidates = 128;

    private readonly List<Candidate> _candidates = [];
    private readonly HashSet<NodeEndPoint> _seen = [];
    private int _active;

    protected Traversal(DhtNode node, NodeId target, KrpcMethod method)
    {
        Node = node;
        Target = target;
        TargetBytes = target.ToArray();
        Method = method;
        Width = node.K;
        Parallelism = node.LookupParallelism;
    }

    /// <summary>The target as a heap array, so query arguments can point at it.</summary>
    protected byte[] TargetBytes { get; }

    public DhtNode Node { get; }

    public NodeId Target { get; }

    public KrpcMethod Method { get; }

    public bool IsDone { get; private set; }

    public int Responded { get; private set; }

    /// <summary>How many of the closest live candidates must have answered before the traversal finishes. Default K.</summary>
    public int Width { get; init; }

    /// <summary>α: queries kept running at once (slow ones not counted). Default <see cref="DhtNode.LookupParallelism"/>.</summary>
    public int Parallelism { get; init; }

    /// <summary>Adds a seed candidate (a routing-table contact or a bootstrap address without an id).</summary>
    public void AddCandidate(NodeId? id, NodeEndPoint endPoint)
    {
        if (IsDone || endPoint.Port == 0 || (id is NodeId known && known == Node.Id) || !_seen.Add(endPoint))
        {
            return;
        }
        var candidate = new Candidate(this, id, endPoint);
        int index = _candidates.Count;
        if (id is NodeId key)
        {
            index = InsertionIndex(key);
        }
        if (index >= MaxCandidates)
        {
            return;
        }
        _candidates.Insert(index, candidate);
        if (_candidates.Count > MaxCandidates)
        {
            int last = _candidates.FindLastIndex(c => c.State == CandidateState.New);
            _candidates.RemoveAt(last >= 0 ? last : _candidates.Count - 1);
        }
    }

    /// <summary>Where a candidate with <paramref name="id"/> goes: before the first farther (or id-less) candidate.</summary>
    private int InsertionIndex(in NodeId id)
    {
        for (int i = 0; i < _candidates.Count; i++)
        {
            if (_candidates[i].Id is not NodeId other || NodeId.CompareDistance(TargetBytes, id.Span, other.Span) < 0)
            {
                return i;
            }
        }
        return _candidates.Count;
    }

    /// <summary>Sends queries while slots are free; finishes when the closest <see cref="Width"/> live candidates have
    /// answered (or nothing is left to ask).</summary>
    public void Step()
    {
        if (IsDone)
        {
            return;
        }
        int answered = 0;
        bool pending = false;
        // Candidates are only added by responses, never while this loop runs, so indexing is safe.
        for (int i = 0; i < _candidates.Count && answered < Width; i++)
        {
            var candidate = _candidates[i];
            if (candidate.State == CandidateState.Responded)
            {
                answered++;
                continue;
            }
            if (candidate.State == CandidateState.Failed)
            {
                continue;
            }
            pending = true;
            if (candidate.State == CandidateState.InFlight)
            {
                continue;
            }
            if (_active >= Parallelism)
            {
                break;
            }
            candidate.State = CandidateState.InFlight;
            _active++;
            Node.SendQuery(candidate);
            if (IsDone)
            {
                return;
            }
        }
        if (!pending)
        {
            Finish();
        }
    }

    /// <summary>Stops the traversal; later answers are ignored.</summary>
    public void Finish()
    {
        if (IsDone)
        {
            return;
        }
        IsDone = true;
        OnFinished();
    }

    /// <summary>The candidates that answered, closest first.</summary>
    public IEnumerable<Candidate> RespondedCandidates() => _candidates.Where(c => c.State == CandidateState.Responded);

    protected abstract void OnFinished();

    /// <summary>Writes method-specific arguments.</summary>
    protected abstract void WriteArguments(ref KrpcMessage message);

    /// <summary>Handles method-specific response fields (values, items).</summary>
    protected abstract void OnResponse(Candidate candidate, in KrpcMessage response);

    private void HandleResponse(Candidate candidate, in KrpcMessage response)
    {
        Settle(candidate);
        if (IsDone)
        {
            return;
        }
        candidate.State = CandidateState.Responded;
        Responded++;
        var id = new NodeId(response.Id);
        if (candidate.Id is null)
        {
            // A bootstrap node: now that its id is known, move it to its place.
            _candidates.Remove(candidate);
            candidate.Id = id;
            _candidates.Insert(InsertionIndex(id), candidate);
        }
        if (!response.Token.IsEmpty && response.Token.Length <= 64)
        {
            candidate.Token = response.Token.ToArray();
        }
        AddNodes(response.Nodes, ipv6: false);
        AddNodes(response.Nodes6, ipv6: true);
        OnResponse(candidate, response);
        Step();
    }

    private void HandleFailure(Candidate candidate)
    {
        Settle(candidate);
        candidate.State = CandidateState.Failed;
        Step();
    }

    /// <summary>The query to <paramref name="candidate"/> has been unanswered for a while: free its slot.</summary>
    private void HandleSlow(Candidate candidate)
    {
        if (candidate.IsSlow)
        {
            return;
        }
        candidate.IsSlow = true;
        _active--;
        Step();
    }

    /// <summary>The query to <paramref name="candidate"/> ended: it no longer holds a slot.</summary>
    private void Settle(Candidate candidate)
    {
        if (!candidate.IsSlow)
        {
            _active--;
        }
    }

    private void AddNodes(ReadOnlySpan<byte> compact, bool ipv6)
    {
        if (Node.AddressFamilyIsIPv6 != ipv6)
        {
            return;
        }
        foreach (var (id, endPoint) in new CompactNodeInfo(compact, ipv6))
        {
            AddCandidate(id, endPoint);
        }
    }

    internal enum CandidateState
    {
        New,
        InFlight,
        Responded,
        Failed,
    }

    /// <summary>A node met during the traversal; it is also the query sent to it.</summary>
    internal sealed class Candidate : PendingQuery
    {
        private readonly Traversal _owner;

        public Candidate(Traversal owner, NodeId? id, NodeEndPoint endPoint)
            : base(owner.Method, endPoint, id)
        {
            _owner = owner;
            Id = id;
        }

        public NodeId? Id { get; set; }

        public CandidateState State { get; set; }

        public byte[]? Token { get; set; }

        /// <summary>Unanswered past the slow-query timeout: no longer holds a slot.</summary>
        public bool IsSlow { get; set; }

        public override bool ReportsSlow => true;

        public override void OnSlow() => _owner.HandleSlow(this);

        public override void WriteArguments(ref KrpcMessage message) => _owner.WriteArguments(ref message);

        public override void OnResponse(in KrpcMessage response) => _owner.HandleResponse(this, response);

        public override void OnFailure(long errorCode) => _owner.HandleFailure(this);
    }
}
