using BitTorrent.Dht.Krpc;
using BitTorrent.Dht.Lookup;
using BitTorrent.Dht.RoutingTable;

namespace BitTorrent.Dht;

public sealed partial class DhtNode
{
    /// <summary>Most nodes of the sibling's family taken from one response and offered to the sibling.</summary>
    private const int MaxForeignNodesPerResponse = 8;

    /// <summary>Most nodes of the sibling's family in one answer (BEP 32: the 8 closest).</summary>
    private const int MaxSiblingNodesPerAnswer = 8;

    /// <summary>Bytes of <c>nodes</c> plus <c>nodes6</c> in one answer, so that it stays within BEP 32's 1024-byte datagrams.</summary>
    private const int NodeListBudget = 896;

    private static readonly TimeSpan ContactSnapshotInterval = TimeSpan.FromSeconds(1);

    private DhtNode? _sibling;

    /// <summary>Our contacts as last published for the sibling, which reads them without taking our lock.</summary>
    private (NodeId Id, NodeEndPoint EndPoint)[] _contactSnapshot = [];
    private long _contactSnapshotTicks;
    private int _contactSnapshotCount = -1;

    /// <summary>Nodes of the sibling's family found while handling the current datagram, offered once the lock is released.</summary>
    private List<(NodeId Id, NodeEndPoint EndPoint)>? _foreignNodes;

    /// <summary>The node of the other address family this node is paired with (see <see cref="PairWith"/>), or null.</summary>
    public DhtNode? Sibling => Volatile.Read(ref _sibling);

    /// <summary>
    /// Pairs this node with <paramref name="other"/>, a node of the other address family, into a BEP 32 dual-stack node:
    /// while both are listening, the find_node, get_peers and get queries each sends carry <c>want</c> = [n4, n6], and
    /// nodes of the other family found in responses (<c>nodes6</c> on the IPv4 node, <c>nodes</c> on the IPv6 node) are
    /// offered to the other node, at most 8 per response. The other node treats them like any unverified contact: it
    /// pings those that would fit its table, and one enters only when it answers with the id it was announced with. As a
    /// server, a paired node asked for the other family through <c>want</c> adds up to 8 of its sibling's closest
    /// contacts to the answer. Pairing is mutual and lasts until either node is disposed.
    /// </summary>
    /// <remarks>
    /// Pair before <see cref="Listen"/> so that the bootstrap already asks for both families; nodes can also be paired
    /// later. If both nodes end up listening on the same family, the pairing has no effect. BEP 32 recommends using the
    /// same <see cref="DhtNodeOptions.NodeId"/> for both. Pairing takes neither node's lock.
    /// </remarks>
    /// <param name="other">The node of the other address family.</param>
    /// <exception cref="ArgumentException"><paramref name="other"/> is this node, or both are listening on the same family.</exception>
    /// <exception cref="InvalidOperationException">Either node is already paired with a third node.</exception>
    /// <exception cref="ObjectDisposedException">Either node is disposed.</exception>
    public void PairWith(DhtNode other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this))
        {
            throw new ArgumentException("A node cannot be paired with itself.", nameof(other));
        }
        ObjectDisposedException.ThrowIf(_destroyed, this);
        ObjectDisposedException.ThrowIf(other._destroyed, other);
        if (IsListening && other.IsListening && AddressFamilyIsIPv6 == other.AddressFamilyIsIPv6)
        {
            throw new ArgumentException("Both nodes listen on the same address family.", nameof(other));
        }
        var mine = Interlocked.CompareExchange(ref _sibling, other, null);
        if (mine is not null && mine != other)
        {
            throw new InvalidOperationException("This node is already paired with another node.");
        }
        var theirs = Interlocked.CompareExchange(ref other._sibling, this, null);
        if (theirs is not null && theirs != this)
        {
            if (mine is null)
            {
                Interlocked.CompareExchange(ref _sibling, null, other);
            }
            throw new InvalidOperationException("The other node is already paired with another node.");
        }
    }

    /// <summary>True while a listening sibling of the other family exists: queries then ask for both families.</summary>
    private bool HasActiveSibling => Volatile.Read(ref _sibling) is { IsListening: true, IsDestroyed: false } sibling
        && sibling.AddressFamilyIsIPv6 != AddressFamilyIsIPv6;

    /// <summary>BEP 32: asks for both families in the queries whose answers carry nodes, while paired.</summary>
    private void WriteWant(ref KrpcMessage message)
    {
        if ((message.Method is KrpcMethod.FindNode or KrpcMethod.GetPeers or KrpcMethod.Get) && HasActiveSibling)
        {
            message.Want = KrpcWant.N4 | KrpcWant.N6;
        }
    }

    /// <summary>Keeps (up to the bound) the response's nodes of the sibling's family, to offer after the lock is released.</summary>
    private void CollectForeignNodes(in KrpcMessage response)
    {
        if (!HasActiveSibling)
        {
            return;
        }
        foreach (var node in new CompactNodeInfo(AddressFamilyIsIPv6 ? response.Nodes : response.Nodes6, ipv6: !AddressFamilyIsIPv6))
        {
            if (_foreignNodes is { Count: >= MaxForeignNodesPerResponse })
            {
                return;
            }
            if (node.EndPoint.Port != 0)
            {
                (_foreignNodes ??= []).Add(node);
            }
        }
    }

    /// <summary>Called without our lock held: hands the collected nodes to the sibling.</summary>
    private void OfferForeignNodes(List<(NodeId Id, NodeEndPoint EndPoint)>? nodes)
    {
        if (nodes is not null && Volatile.Read(ref _sibling) is DhtNode sibling)
        {
            sibling.ConsiderSiblingNodes(nodes);
        }
    }

    /// <summary>Nodes the sibling learnt of: each is pinged if it would fit, and enters the table only when it answers.</summary>
    private void ConsiderSiblingNodes(List<(NodeId Id, NodeEndPoint EndPoint)> nodes)
    {
        lock (_gate)
        {
            if (_destroyed || _transport is null)
            {
                return;
            }
            try
            {
                foreach (var (id, at) in nodes)
                {
                    ConsiderUnverifiedNode(id, at);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Warn(DhtWarningKind.InternalError, ex.Message, null);
            }
        }
    }

    /// <summary>
    /// Pings a node we only heard of if it is of our family, not known, not us (by id or address), would fit the table,
    /// and no query to it is in flight; nothing waits and half the concurrency stays free for our own lookups. Only an
    /// answer carrying the announced id puts it in the table.
    /// </summary>
    private void ConsiderUnverifiedNode(in NodeId id, NodeEndPoint at)
    {
        if (id == Id || at == _externalAddress || at == NodeEndPoint.From(_transport!.LocalEndPoint) || _waiting.Count > 0)
        {
            return;
        }
        PingIfItWouldFit(id, at);
    }

    /// <summary>
    /// Under our lock, while paired: republishes our live contacts for the sibling's answers when the table's size
    /// changed or a second has passed.
    /// </summary>
    private void PublishContactsForSibling()
    {
        if (Volatile.Read(ref _sibling) is null)
        {
            return;
        }
        long now = NowTicks;
        if (_table.Count == _contactSnapshotCount && now - _contactSnapshotTicks < ContactSnapshotInterval.Ticks)
        {
            return;
        }
        var contacts = _table.Contacts().Where(c => c.FailCount < DhtContact.MaxFailures).Select(c => (c.Id, c.EndPoint)).ToArray();
        Volatile.Write(ref _contactSnapshot, contacts);
        _contactSnapshotTicks = now;
        _contactSnapshotCount = _table.Count;
    }

    /// <summary>
    /// BEP 32: whether an answer also carries the sibling's family: the query asked for it (<c>want</c>), we are paired,
    /// and the answer holds no BEP 44 value or BEP 51 samples that already fill the datagram.
    /// </summary>
    private bool AnswersWithSiblingNodes(KrpcWant want, scoped in KrpcMessage response) =>
        (want & (AddressFamilyIsIPv6 ? KrpcWant.N4 : KrpcWant.N6)) != 0 && response.Value.IsEmpty && response.Samples.IsEmpty
        && HasActiveSibling;

    /// <summary>
    /// Writes the sibling's published contacts closest to <paramref name="target"/> as compact node info, as many as fit
    /// in <paramref name="budget"/> bytes and at most 8; reads the sibling's snapshot without taking its lock.
    /// </summary>
    private int WriteSiblingClosestNodes(in NodeId target, Span<byte> destination, int budget)
    {
        var contacts = Volatile.Read(ref _sibling) is DhtNode sibling ? Volatile.Read(ref sibling._contactSnapshot) : [];
        int entry = NodeId.Length + (AddressFamilyIsIPv6 ? 6 : 18);
        int max = Math.Min(Math.Min(MaxSiblingNodesPerAnswer, budget / entry), contacts.Length);
        if (max <= 0)
        {
            return 0;
        }
        Span<int> closest = stackalloc int[MaxSiblingNodesPerAnswer];
        int count = 0;
        var t = target.Span;
        for (int i = 0; i < contacts.Length; i++)
        {
            var id = contacts[i].Id.Span;
            if (count == max && NodeId.CompareDistance(t, id, contacts[closest[count - 1]].Id.Span) >= 0)
            {
                continue;
            }
            int j = count < max ? count++ : count - 1;
            while (j > 0 && NodeId.CompareDistance(t, id, contacts[closest[j - 1]].Id.Span) < 0)
            {
                closest[j] = closest[j - 1];
                j--;
            }
            closest[j] = i;
        }
        int offset = 0;
        for (int k = 0; k < count; k++)
        {
            var (id, at) = contacts[closest[k]];
            id.CopyTo(destination[offset..]);
            offset += NodeId.Length;
            offset += at.WriteCompact(destination[offset..]);
        }
        return offset;
    }

    /// <summary>Ends the pairing on both sides (on dispose).</summary>
    private void Unpair()
    {
        if (Interlocked.Exchange(ref _sibling, null) is DhtNode sibling)
        {
            Interlocked.CompareExchange(ref sibling._sibling, null, this);
        }
    }
}
