namespace BitTorrent.Dht.Storage;

/// <summary>
/// Peers announced to this node (announce_peer), bounded in torrents, in peers per torrent and in entries per sender,
/// each peer expiring after a time to live. One sender (<see cref="NodeEndPoint.SourceKey"/>: an IPv4 address, an IPv6
/// /64) holds at most one slot per torrent: announcing again, on any port, refreshes that slot. Newcomers never evict
/// live entries: when a torrent, the store or the sender's quota is full, the announce is not stored until entries
/// expire, so a flood cannot push out the peers already known.
/// </summary>
public sealed class PeerStore
{
    private readonly Dictionary<InfoHash, List<StoredPeer>> _torrents = [];
    private readonly SourceQuota _quota;
    private readonly int _maxTorrents;
    private readonly int _maxPeersPerTorrent;
    private readonly long _ttlTicks;
    private long _purgedTicks = long.MinValue / 2;

    /// <summary>Creates a store.</summary>
    /// <param name="maxTorrents">Most torrents with stored peers.</param>
    /// <param name="maxPeersPerTorrent">Most peers stored for one torrent.</param>
    /// <param name="timeToLive">How long an announce is kept.</param>
    /// <param name="maxPerSource">Most peers one sender may have stored across all torrents.</param>
    public PeerStore(int maxTorrents, int maxPeersPerTorrent, TimeSpan timeToLive, int maxPerSource = int.MaxValue)
    {
        _maxTorrents = Math.Max(1, maxTorrents);
        _maxPeersPerTorrent = Math.Max(1, maxPeersPerTorrent);
        _ttlTicks = timeToLive.Ticks;
        _quota = new SourceQuota(maxPerSource);
    }

    /// <summary>Number of torrents with stored peers.</summary>
    public int TorrentCount => _torrents.Count;

    /// <summary>Total stored peers.</summary>
    public int PeerCount { get; private set; }

    /// <summary>The info hashes with stored peers.</summary>
    public IEnumerable<InfoHash> InfoHashes => _torrents.Keys;

    /// <summary>
    /// Stores or refreshes <paramref name="peer"/> for a torrent in its sender's slot. Returns false when it was not
    /// stored because the torrent, the store or the sender's quota is full of live entries.
    /// </summary>
    /// <param name="infoHash">The torrent.</param>
    /// <param name="peer">The announced address and port.</param>
    /// <param name="nowTicks">The node's monotonic clock.</param>
    /// <param name="local">True for our own announce: it takes no sender quota.</param>
    public bool Add(InfoHash infoHash, NodeEndPoint peer, long nowTicks, bool local = false)
    {
        long expires = nowTicks + _ttlTicks;
        var source = peer.SourceKey;
        if (_torrents.TryGetValue(infoHash, out var peers))
        {
            for (int i = 0; i < peers.Count; i++)
            {
                if (peers[i].Source == source)
                {
                    peers[i] = peers[i] with { EndPoint = peer, ExpiresTicks = expires };
                    return true;
                }
            }
            if (peers.Count >= _maxPeersPerTorrent)
            {
                RemoveExpired(peers, nowTicks);
            }
            if (peers.Count >= _maxPeersPerTorrent)
            {
                return false;
            }
        }
        else if (_torrents.Count >= _maxTorrents)
        {
            PurgeAtMostEverySecond(nowTicks);
            if (_torrents.Count >= _maxTorrents)
            {
                return false;
            }
        }
        if (!local && !_quota.TryTake(source))
        {
            PurgeAtMostEverySecond(nowTicks);
            if (!_quota.TryTake(source))
            {
                return false;
            }
        }
        if (peers is null)
        {
            peers = [];
            _torrents[infoHash] = peers;
        }
        peers.Add(new StoredPeer(peer, source, expires, local));
        PeerCount++;
        return true;
    }

    /// <summary>Copies up to destination.Length live peers of one family, in random order, and returns the count.</summary>
    public int GetRandom(InfoHash infoHash, bool ipv6, long nowTicks, Random random, Span<NodeEndPoint> destination)
    {
        if (!_torrents.TryGetValue(infoHash, out var peers))
        {
            return 0;
        }
        int count = 0;
        int seen = 0;
        foreach (var stored in peers)
        {
            if (stored.ExpiresTicks <= nowTicks || stored.EndPoint.IsIPv6 != ipv6)
            {
                continue;
            }
            seen++;
            if (count < destination.Length)
            {
                destination[count++] = stored.EndPoint;
            }
            else
            {
                int j = random.Next(seen);
                if (j < destination.Length) destination[j] = stored.EndPoint;
            }
        }
        random.Shuffle(destination[..count]);
        return count;
    }

    /// <summary>Every stored peer (for persistence).</summary>
    public IEnumerable<(InfoHash InfoHash, NodeEndPoint Peer, long ExpiresTicks)> All()
    {
        foreach (var (infoHash, peers) in _torrents)
        {
            foreach (var p in peers) yield return (infoHash, p.EndPoint, p.ExpiresTicks);
        }
    }

    /// <summary>Drops expired peers and empty torrents.</summary>
    public void Purge(long nowTicks)
    {
        _purgedTicks = nowTicks;
        List<InfoHash>? empty = null;
        foreach (var (infoHash, peers) in _torrents)
        {
            RemoveExpired(peers, nowTicks);
            if (peers.Count == 0) (empty ??= []).Add(infoHash);
        }
        if (empty is not null)
        {
            foreach (var infoHash in empty) _torrents.Remove(infoHash);
        }
        _quota.TrimExcess();
    }

    /// <summary>Forgets everything.</summary>
    public void Clear()
    {
        _torrents.Clear();
        _quota.Clear();
        PeerCount = 0;
    }

    /// <summary>A full store purges on a newcomer at most once a second, so a flood of newcomers costs no full scan each.</summary>
    private void PurgeAtMostEverySecond(long nowTicks)
    {
        if (nowTicks - _purgedTicks >= TimeSpan.TicksPerSecond)
        {
            Purge(nowTicks);
        }
    }

    private void RemoveExpired(List<StoredPeer> peers, long nowTicks)
    {
        for (int i = peers.Count - 1; i >= 0; i--)
        {
            if (peers[i].ExpiresTicks <= nowTicks)
            {
                if (!peers[i].Local) _quota.Release(peers[i].Source);
                peers.RemoveAt(i);
                PeerCount--;
            }
        }
    }

    private readonly record struct StoredPeer(NodeEndPoint EndPoint, UInt128 Source, long ExpiresTicks, bool Local);
}
