namespace BitTorrent.Dht.RoutingTable;

/// <summary>What <see cref="DhtRoutingTable.TryAdd"/> did with a node.</summary>
public enum RoutingTableInsertResult
{
    /// <summary>The node is new and now in a bucket.</summary>
    Added,
    /// <summary>The node was already in the table; its liveness was refreshed.</summary>
    Updated,
    /// <summary>The bucket is full of live nodes; the node waits in the replacement cache.</summary>
    Replacement,
    /// <summary>Refused: our own id, a second node from the same /24 (/64) in the bucket, or an id/address conflict.</summary>
    Rejected,
}
