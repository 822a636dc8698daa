namespace BitTorrent.Dht.RoutingTable;

/// <summary>The liveness of a routing-table contact (BEP 5).</summary>
public enum ContactState
{
    /// <summary>Answered one of our queries within the last 15 minutes.</summary>
    Good,
    /// <summary>Silent for more than 15 minutes (or never answered yet).</summary>
    Questionable,
    /// <summary>Failed to answer several queries in a row.</summary>
    Bad,
}

/// <summary>A node in the routing table: its id inline, a compact end point, and liveness bookkeeping (no timers).</summary>
public sealed class DhtContact
{
    /// <summary>Consecutive timeouts after which a contact is bad.</summary>
    public const int MaxFailures = 2;

    internal DhtContact(NodeId id, NodeEndPoint endPoint, long lastResponseTicks, bool isVerified)
    {
        Id = id;
        EndPoint = endPoint;
        LastResponseTicks = lastResponseTicks;
        IsVerified = isVerified;
    }

    /// <summary>The node id.</summary>
    public NodeId Id { get; }

    /// <summary>The node's UDP end point.</summary>
    public NodeEndPoint EndPoint { get; internal set; }

    /// <summary>UTC ticks of the last response from this node (0: never answered).</summary>
    public long LastResponseTicks { get; internal set; }

    /// <summary>Consecutive queries that timed out.</summary>
    public int FailCount { get; internal set; }

    /// <summary>UTC ticks of the last liveness ping sent to this node (0: none).</summary>
    public long LastPingTicks { get; internal set; }

    /// <summary>BEP 42: the id matches the node's IP address.</summary>
    public bool IsVerified { get; }

    /// <summary>The liveness state at <paramref name="nowTicks"/>.</summary>
    public ContactState GetState(long nowTicks, TimeSpan goodFor)
    {
        if (FailCount >= MaxFailures)
        {
            return ContactState.Bad;
        }
        return LastResponseTicks != 0 && nowTicks - LastResponseTicks <= goodFor.Ticks && FailCount == 0
            ? ContactState.Good
            : ContactState.Questionable;
    }
}
