using System.Net;

namespace BitTorrent.Dht;

/// <summary>The outcome of <see cref="DhtNode.LookupAsync"/>.</summary>
/// <param name="Peers">Distinct peers found (also raised one by one as <see cref="DhtNode.PeerFound"/>).</param>
/// <param name="RespondedNodes">How many nodes answered the traversal.</param>
/// <param name="ClosestNodes">The closest nodes that answered (up to K).</param>
public sealed record DhtLookupResult(IReadOnlyList<IPEndPoint> Peers, int RespondedNodes, IReadOnlyList<DhtNodeInfo> ClosestNodes);

/// <summary>The outcome of <see cref="DhtNode.AnnounceAsync"/>.</summary>
/// <param name="Peers">Peers found by the get_peers traversal that preceded the announce.</param>
/// <param name="NodesQueried">How many nodes announce_peer was sent to (0: no node returned a token).</param>
/// <param name="NodesAccepted">How many answered without error.</param>
/// <param name="LastErrorCode">The last KRPC error code received, or null.</param>
public sealed record DhtAnnounceResult(IReadOnlyList<IPEndPoint> Peers, int NodesQueried, int NodesAccepted, long? LastErrorCode);

/// <summary>The outcome of <see cref="DhtNode.PutAsync"/>.</summary>
/// <param name="Target">The key the item is stored under.</param>
/// <param name="NodesQueried">How many nodes the put was sent to.</param>
/// <param name="NodesAccepted">How many answered without error.</param>
/// <param name="LastErrorCode">The last KRPC error code received (e.g. 301, 302), or null.</param>
public sealed record DhtPutResult(NodeId Target, int NodesQueried, int NodesAccepted, long? LastErrorCode);

/// <summary>A BEP 51 sample_infohashes answer.</summary>
/// <param name="Interval">Seconds before the node should be asked again.</param>
/// <param name="Num">How many info hashes the node stores in total.</param>
/// <param name="Samples">The sampled info hashes.</param>
/// <param name="Nodes">Nodes close to the target that the responder returned.</param>
public sealed record DhtSampleResult(TimeSpan Interval, long Num, IReadOnlyList<InfoHash> Samples, IReadOnlyList<DhtNodeInfo> Nodes);

/// <summary>A node's id and address (bittorrent-dht's toArray entries, with ids).</summary>
/// <param name="Id">The node id.</param>
/// <param name="EndPoint">Its UDP address.</param>
public sealed record DhtNodeInfo(NodeId Id, IPEndPoint EndPoint);

/// <summary>Options of <see cref="DhtNode.GetAsync"/>.</summary>
public sealed record DhtGetOptions
{
    /// <summary>The salt of a mutable item (BEP 44 replies do not carry it).</summary>
    public ReadOnlyMemory<byte> Salt { get; init; }

    /// <summary>Signature verification for this get; null uses the node's.</summary>
    public Security.DhtSignatureVerifier? Verify { get; init; }

    /// <summary>Answer from the local store when it holds the item. Default true.</summary>
    public bool UseCache { get; init; } = true;
}
