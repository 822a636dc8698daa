using BitTorrent.Dht.Krpc;

namespace BitTorrent.Dht;

/// <summary>A snapshot of a node's counters and sizes.</summary>
public sealed record DhtStats
{
    /// <summary>Contacts in the routing table.</summary>
    public int Nodes { get; init; }
    /// <summary>Contacts waiting in replacement caches.</summary>
    public int Replacements { get; init; }
    /// <summary>Buckets in the routing table.</summary>
    public int Buckets { get; init; }
    /// <summary>Datagrams received (including dropped ones).</summary>
    public long DatagramsReceived { get; init; }
    /// <summary>Datagrams sent.</summary>
    public long DatagramsSent { get; init; }
    /// <summary>Queries received and handled.</summary>
    public long QueriesReceived { get; init; }
    /// <summary>Queries sent.</summary>
    public long QueriesSent { get; init; }
    /// <summary>Responses matched to our queries.</summary>
    public long ResponsesReceived { get; init; }
    /// <summary>KRPC errors received for our queries.</summary>
    public long ErrorsReceived { get; init; }
    /// <summary>Queries that timed out.</summary>
    public long Timeouts { get; init; }
    /// <summary>Responses or errors matching no query in flight (never added to the table).</summary>
    public long UnsolicitedResponses { get; init; }
    /// <summary>Malformed datagrams dropped (all reasons).</summary>
    public long MalformedDropped { get; init; }
    /// <summary>Malformed datagrams dropped, by reason.</summary>
    public IReadOnlyDictionary<KrpcDecodeError, long> MalformedByReason { get; init; } = new Dictionary<KrpcDecodeError, long>();
    /// <summary>Datagrams dropped because their address exceeded the inbound rate or was blocked.</summary>
    public long RateLimitedDropped { get; init; }
    /// <summary>Times an address was blocked.</summary>
    public long AddressesBlocked { get; init; }
    /// <summary>Responses dropped because the outbound budget was spent.</summary>
    public long OutboundBudgetDropped { get; init; }
    /// <summary>Queries that failed at once because the waiting queue was full.</summary>
    public long QueriesRejected { get; init; }
    /// <summary>Queries in flight now.</summary>
    public int QueriesInFlight { get; init; }
    /// <summary>Queries waiting for a slot now.</summary>
    public int QueriesWaiting { get; init; }
    /// <summary>Torrents with stored peers.</summary>
    public int StoredTorrents { get; init; }
    /// <summary>Stored peers.</summary>
    public int StoredPeers { get; init; }
    /// <summary>Stored BEP 44 items.</summary>
    public int StoredItems { get; init; }
    /// <summary>Addresses tracked by the inbound rate limiter (bounded).</summary>
    public int RateLimiterEntries { get; init; }
    /// <summary>Events dropped because <see cref="DhtNodeOptions.MaxQueuedEvents"/> were already waiting for their handlers.</summary>
    public long EventsDropped { get; init; }
    /// <summary>Event handlers that threw (each logged; the node went on).</summary>
    public long EventHandlerFailures { get; init; }
}
