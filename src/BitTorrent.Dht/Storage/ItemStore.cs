namespace BitTorrent.Dht.Storage;

/// <summary>
/// BEP 44 items stored on this node, bounded in count and in items per sender, each expiring after a time to live
/// (2 h by default) unless put again. Newcomers never evict live items: when the store or the sender's quota is full,
/// a put of a new target is not stored until items expire. Updating an item already stored is always allowed.
/// </summary>
public sealed class ItemStore
{
    private readonly Dictionary<NodeId, Entry> _items = [];
    private readonly SourceQuota _quota;
    private readonly int _maxItems;
    private readonly long _ttlTicks;
    private long _purgedTicks = long.MinValue / 2;

    /// <summary>Creates a store.</summary>
    /// <param name="maxItems">Most items stored.</param>
    /// <param name="timeToLive">How long an item is kept without a new put.</param>
    /// <param name="maxPerSource">Most items one sender may have stored.</param>
    public ItemStore(int maxItems, TimeSpan timeToLive, int maxPerSource = int.MaxValue)
    {
        _maxItems = Math.Max(1, maxItems);
        _ttlTicks = timeToLive.Ticks;
        _quota = new SourceQuota(maxPerSource);
    }

    /// <summary>Number of stored items.</summary>
    public int Count => _items.Count;

    /// <summary>Finds a live item.</summary>
    public DhtItem? Get(in NodeId target, long nowTicks) =>
        _items.TryGetValue(target, out var entry) && entry.ExpiresTicks > nowTicks ? entry.Item : null;

    /// <summary>
    /// Stores an item under its target, or replaces the one stored there (keeping its sender's slot). Returns false when
    /// a new target was not stored because the store or the sender's quota is full of live items.
    /// </summary>
    /// <param name="target">The item's target.</param>
    /// <param name="item">The item.</param>
    /// <param name="nowTicks">The node's monotonic clock.</param>
    /// <param name="source">The sender that put it; null for our own items (no quota).</param>
    public bool Put(in NodeId target, DhtItem item, long nowTicks, NodeEndPoint? source = null)
    {
        long expires = nowTicks + _ttlTicks;
        if (_items.TryGetValue(target, out var existing))
        {
            _items[target] = existing with { Item = item, ExpiresTicks = expires };
            return true;
        }
        if (_items.Count >= _maxItems)
        {
            PurgeAtMostEverySecond(nowTicks);
            if (_items.Count >= _maxItems)
            {
                return false;
            }
        }
        UInt128? key = source?.SourceKey;
        if (key is UInt128 sender && !_quota.TryTake(sender))
        {
            PurgeAtMostEverySecond(nowTicks);
            if (!_quota.TryTake(sender))
            {
                return false;
            }
        }
        _items[target] = new Entry(item, expires, key);
        return true;
    }

    /// <summary>Every live item (for persistence).</summary>
    public IEnumerable<(NodeId Target, DhtItem Item)> All(long nowTicks)
    {
        foreach (var (target, entry) in _items)
        {
            if (entry.ExpiresTicks > nowTicks) yield return (target, entry.Item);
        }
    }

    /// <summary>Drops expired items.</summary>
    public void Purge(long nowTicks)
    {
        _purgedTicks = nowTicks;
        List<NodeId>? expired = null;
        foreach (var (target, entry) in _items)
        {
            if (entry.ExpiresTicks <= nowTicks) (expired ??= []).Add(target);
        }
        if (expired is not null)
        {
            foreach (var target in expired)
            {
                if (_items.Remove(target, out var entry) && entry.Source is UInt128 sender) _quota.Release(sender);
            }
        }
        _quota.TrimExcess();
    }

    /// <summary>Forgets everything.</summary>
    public void Clear()
    {
        _items.Clear();
        _quota.Clear();
    }

    /// <summary>A full store purges on a newcomer at most once a second, so a flood of newcomers costs no full scan each.</summary>
    private void PurgeAtMostEverySecond(long nowTicks)
    {
        if (nowTicks - _purgedTicks >= TimeSpan.TicksPerSecond)
        {
            Purge(nowTicks);
        }
    }

    private readonly record struct Entry(DhtItem Item, long ExpiresTicks, UInt128? Source);
}
