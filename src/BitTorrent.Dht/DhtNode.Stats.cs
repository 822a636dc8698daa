using BitTorrent.Dht.Krpc;

namespace BitTorrent.Dht;

/// <summary>The node's counters.</summary>
public sealed partial class DhtNode
{
    /// <summary>The node's counters.</summary>
    public DhtStats GetStats()
    {
        lock (_gate)
        {
            var byReason = new Dictionary<KrpcDecodeError, long>();
            for (int i = 0; i < _malformed.Length; i++)
            {
                if (_malformed[i] > 0) byReason[(KrpcDecodeError)i] = _malformed[i];
            }
            return new DhtStats
            {
                Nodes = _table.Count,
                Replacements = _table.ReplacementCount,
                Buckets = _table.Buckets.Count,
                DatagramsReceived = _datagramsReceived,
                DatagramsSent = _datagramsSent,
                QueriesReceived = _queriesReceived,
                QueriesSent = _queriesSent,
                ResponsesReceived = _responsesReceived,
                ErrorsReceived = _errorsReceived,
                Timeouts = _timeouts,
                UnsolicitedResponses = _unsolicited,
                MalformedDropped = _malformed.Sum(),
                MalformedByReason = byReason,
                RateLimitedDropped = _rateLimited,
                AddressesBlocked = _blocked,
                OutboundBudgetDropped = _budgetDropped,
                QueriesRejected = _queriesRejected,
                QueriesInFlight = _inflight.Count,
                QueriesWaiting = _waiting.Count,
                StoredTorrents = _peers.TorrentCount,
                StoredPeers = _peers.PeerCount,
                StoredItems = _items.Count,
                RateLimiterEntries = _rateLimiter.TrackedAddresses,
                EventsDropped = _events.Dropped,
                EventHandlerFailures = _events.HandlerFailures,
            };
        }
    }
}
