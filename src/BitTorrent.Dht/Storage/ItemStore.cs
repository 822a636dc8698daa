namespace BitTorrent.Dht.Storage;

/// <summary>BEP 44 items stored on this node, bounded in count, each expiring after a time to live (2 h by default).</summary>
public sealed class ItemStore
{
    private readonly Dictionary<NodeId, Entry> _items = [];
    private readonly int _maxItems;
    private readonly long _ttlTicks;

    /// <summary>Creates a store.</summary>
    public ItemStore(int maxItems, TimeSpan timeToLive)
    {
        _maxItems = Math.Max(1, maxItems);
        _ttlTicks = timeToLive.Ticks;
    }

    /// <summary>Number of stored items.</summary>
    public int Count => _items.Count;

    /// <summary>Finds a live item.</summary>
    public DhtItem? Get(in NodeId target, long nowTicks) =>
        _items.TryGetValue(target, out var entry) && entry.ExpiresTicks > nowTicks ? entry.Item : null;

    /// <summary>Stores (or replaces) an item under its target, evicting the item closest to expiry when full.</summary>
    public void Put(in NodeId target, DhtItem item, long nowTicks)
    {
        if (!_items.ContainsKey(target) && _items.Count >= _maxItems)
        {
            Purge(nowTicks);
            if (_items.Count >= _maxItems)
            {
                var victim = _items.MinBy(kv => kv.Value.ExpiresTicks).Key;
                _items.Remove(victim);
            }
        }
        _items[target] = new Entry(item, nowTicks + _ttlTicks);
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
        List<NodeId>? expired = null;
        foreach (var (target, entry) in _items)
        {
            if (entry.ExpiresTicks <= nowTicks) (expired ??= []).Add(target);
        }
        if (expired is not null)
        {
            foreach (var t in expired) _items.Remove(t);
        }
    }

    /// <summary>Forgets everything.</summary>
    public void Clear() => _items.Clear();

    private readonly record struct Entry(DhtItem Item, long ExpiresTicks);
}
