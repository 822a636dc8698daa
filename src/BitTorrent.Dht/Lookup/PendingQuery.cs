using BitTorrent.Dht.Krpc;

namespace BitTorrent.Dht.Lookup;

/// <summary>One outgoing query: how to write its arguments and what to do with the answer. Runs under the node's lock.</summary>
internal abstract class PendingQuery
{
    protected PendingQuery(KrpcMethod method, NodeEndPoint destination, NodeId? expectedId)
    {
        Method = method;
        Destination = destination;
        ExpectedId = expectedId;
    }

    public KrpcMethod Method { get; }

    public NodeEndPoint Destination { get; }

    /// <summary>The id the destination should answer with, when known.</summary>
    public NodeId? ExpectedId { get; set; }

    public ushort TransactionId { get; set; }

    public long DeadlineTicks { get; set; }

    /// <summary>When the query counts as slow (see <see cref="ReportsSlow"/>).</summary>
    public long SlowTicks { get; set; }

    /// <summary>True when the node should call <see cref="OnSlow"/> once the query has been unanswered for
    /// <see cref="DhtNodeOptions.SlowQueryTimeout"/>.</summary>
    public virtual bool ReportsSlow => false;

    /// <summary>Answered, failed or cancelled.</summary>
    public bool IsDone { get; set; }

    /// <summary>Fills the query arguments other than <c>id</c>.</summary>
    public abstract void WriteArguments(ref KrpcMessage message);

    /// <summary>A matched response.</summary>
    public abstract void OnResponse(in KrpcMessage response);

    /// <summary>Still unanswered after the slow-query timeout; an answer or failure may follow.</summary>
    public virtual void OnSlow()
    {
    }

    /// <summary>A KRPC error (code &gt; 0), a timeout (<see cref="Timeout"/>) or cancellation (<see cref="Cancelled"/>).</summary>
    public abstract void OnFailure(long errorCode);

    public const long Timeout = 0;
    public const long Cancelled = -1;
}
