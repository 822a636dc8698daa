namespace BitTorrent.Dht.Security;

/// <summary>
/// Per-IP inbound rate limiting: an address sending more than the allowed packets per second is blocked for a
/// while. The table of tracked addresses is bounded; when it is full the oldest entries are forgotten.
/// </summary>
public sealed class RateLimiter
{
    private readonly Dictionary<UInt128, Entry> _entries = [];
    private readonly int _perSecond;
    private readonly long _blockTicks;
    private readonly int _maxTracked;

    /// <summary>Creates a limiter.</summary>
    public RateLimiter(int packetsPerSecond, TimeSpan blockDuration, int maxTrackedAddresses = 4096)
    {
        _perSecond = packetsPerSecond;
        _blockTicks = blockDuration.Ticks;
        _maxTracked = maxTrackedAddresses;
    }

    /// <summary>Addresses currently tracked (bounded by the constructor's limit).</summary>
    public int TrackedAddresses => _entries.Count;

    /// <summary>
    /// Counts one packet from <paramref name="address"/> and returns false when it must be dropped. Loopback
    /// senders are told apart by port as well, so several local nodes do not share one budget.
    /// </summary>
    public bool Allow(NodeEndPoint address, long nowTicks, out bool newlyBlocked)
    {
        var key = address.IsLoopback ? address.AddressKey ^ ((UInt128)address.Port << 80) : address.AddressKey;
        newlyBlocked = false;
        if (_perSecond <= 0)
        {
            return true;
        }
        if (!_entries.TryGetValue(key, out var entry))
        {
            if (_entries.Count >= _maxTracked)
            {
                Prune(nowTicks);
            }
            entry = new Entry { WindowStart = nowTicks };
        }
        if (entry.BlockedUntil > nowTicks)
        {
            _entries[key] = entry;
            return false;
        }
        if (nowTicks - entry.WindowStart >= TimeSpan.TicksPerSecond)
        {
            entry.WindowStart = nowTicks;
            entry.Count = 0;
        }
        entry.Count++;
        if (entry.Count > _perSecond)
        {
            entry.BlockedUntil = nowTicks + _blockTicks;
            newlyBlocked = true;
            _entries[key] = entry;
            return false;
        }
        _entries[key] = entry;
        return true;
    }

    /// <summary>Forgets addresses that are neither blocked nor active in the current second.</summary>
    public void Prune(long nowTicks)
    {
        var stale = new List<UInt128>();
        foreach (var (key, entry) in _entries)
        {
            if (entry.BlockedUntil <= nowTicks && nowTicks - entry.WindowStart >= TimeSpan.TicksPerSecond)
            {
                stale.Add(key);
            }
        }
        foreach (var key in stale)
        {
            _entries.Remove(key);
        }
        // Give memory back after a burst of senders: a quiet node should hold only a few entries.
        _entries.TrimExcess();
        if (_entries.Count >= _maxTracked)
        {
            // Everyone is active: forget the unblocked half rather than grow.
            int toDrop = _entries.Count / 2;
            foreach (var (key, entry) in _entries.ToList())
            {
                if (toDrop == 0) break;
                if (entry.BlockedUntil <= nowTicks)
                {
                    _entries.Remove(key);
                    toDrop--;
                }
            }
            if (_entries.Count >= _maxTracked)
            {
                _entries.Clear();
            }
        }
    }

    private struct Entry
    {
        public long WindowStart;
        public int Count;
        public long BlockedUntil;
    }
}
