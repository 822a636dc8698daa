namespace BitTorrent.Dht.Security;

/// <summary>
/// Inbound rate limiting, in two levels. A sender (<see cref="NodeEndPoint.SourceKey"/>: an IPv4 address or an IPv6
/// /64) sending more than the allowed packets per second is blocked for a while. An IPv4 /24 whose senders together
/// exceed the subnet rate has the excess dropped (not blocked), so a flood spread over many addresses of one network
/// is bounded too (as libtorrent's DOS blocker aggregates). Loopback senders are exempt from the subnet level. The
/// tables of tracked senders and subnets are bounded; when full, idle entries are forgotten first.
/// </summary>
public sealed class RateLimiter
{
    private readonly Dictionary<UInt128, Entry> _entries = [];
    private readonly Dictionary<ulong, Entry> _subnets = [];
    private readonly int _perSecond;
    private readonly int _perSubnetPerSecond;
    private readonly long _blockTicks;
    private readonly int _maxTracked;

    /// <summary>Creates a limiter.</summary>
    /// <param name="packetsPerSecond">Packets per second one sender may send before it is blocked (0 disables the limiter).</param>
    /// <param name="blockDuration">How long a sender over the rate stays blocked.</param>
    /// <param name="maxTrackedAddresses">Most senders (and, separately, subnets) tracked at once.</param>
    /// <param name="packetsPerSecondPerSubnet">Packets per second one IPv4 /24 may send in all (0: no subnet level).</param>
    public RateLimiter(int packetsPerSecond, TimeSpan blockDuration, int maxTrackedAddresses = 4096, int packetsPerSecondPerSubnet = 0)
    {
        _perSecond = packetsPerSecond;
        _perSubnetPerSecond = packetsPerSecondPerSubnet;
        _blockTicks = blockDuration.Ticks;
        _maxTracked = maxTrackedAddresses;
    }

    /// <summary>Senders and subnets currently tracked (each bounded by the constructor's limit).</summary>
    public int TrackedAddresses => _entries.Count + _subnets.Count;

    /// <summary>Counts one packet from <paramref name="address"/> and returns false when it must be dropped.</summary>
    /// <param name="address">The sender.</param>
    /// <param name="nowTicks">The node's monotonic clock.</param>
    /// <param name="newlyBlocked">True when this packet got the sender blocked.</param>
    public bool Allow(NodeEndPoint address, long nowTicks, out bool newlyBlocked)
    {
        newlyBlocked = false;
        if (_perSecond <= 0)
        {
            return true;
        }
        var key = address.SourceKey;
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
        if (!entry.Count(nowTicks, _perSecond))
        {
            entry.BlockedUntil = nowTicks + _blockTicks;
            newlyBlocked = true;
            _entries[key] = entry;
            return false;
        }
        _entries[key] = entry;
        return address.IsLoopback || address.IsIPv6 || AllowSubnet(address.SubnetKey, nowTicks);
    }

    private bool AllowSubnet(ulong subnet, long nowTicks)
    {
        if (_perSubnetPerSecond <= 0)
        {
            return true;
        }
        if (!_subnets.TryGetValue(subnet, out var entry))
        {
            if (_subnets.Count >= _maxTracked)
            {
                Prune(nowTicks);
            }
            entry = new Entry { WindowStart = nowTicks };
        }
        bool allowed = entry.Count(nowTicks, _perSubnetPerSecond);
        _subnets[subnet] = entry;
        return allowed;
    }

    /// <summary>Forgets senders and subnets that are neither blocked nor active in the current second.</summary>
    public void Prune(long nowTicks)
    {
        PruneTable(_entries, nowTicks);
        PruneTable(_subnets, nowTicks);
    }

    private void PruneTable<TKey>(Dictionary<TKey, Entry> table, long nowTicks) where TKey : notnull
    {
        var stale = new List<TKey>();
        foreach (var (key, entry) in table)
        {
            if (entry.BlockedUntil <= nowTicks && nowTicks - entry.WindowStart >= TimeSpan.TicksPerSecond)
            {
                stale.Add(key);
            }
        }
        foreach (var key in stale)
        {
            table.Remove(key);
        }
        // Give memory back after a burst of senders: a quiet node should hold only a few entries.
        table.TrimExcess();
        if (table.Count >= _maxTracked)
        {
            // Everyone is active: forget the unblocked half rather than grow.
            int toDrop = table.Count / 2;
            foreach (var (key, entry) in table.ToList())
            {
                if (toDrop == 0) break;
                if (entry.BlockedUntil <= nowTicks)
                {
                    table.Remove(key);
                    toDrop--;
                }
            }
            if (table.Count >= _maxTracked)
            {
                table.Clear();
            }
        }
    }

    private struct Entry
    {
        public long WindowStart;
        public int Packets;
        public long BlockedUntil;

        /// <summary>Counts a packet in the current one-second window; false when it exceeds <paramref name="perSecond"/>.</summary>
        public bool Count(long nowTicks, int perSecond)
        {
            if (nowTicks - WindowStart >= TimeSpan.TicksPerSecond)
            {
                WindowStart = nowTicks;
                Packets = 0;
            }
            return ++Packets <= perSecond;
        }
    }
}
