namespace BitTorrent.Dht.Storage;

/// <summary>
/// Peers announced to this node (announce_peer), bounded in torrents and in peers per torrent, each peer expiring
/// after a time to live. When full, the torrent with the fewest peers, or a torrent's oldest peer, makes room.
/// </summary>
public sealed class PeerStore
{
    private readonly Dictionary<InfoHash, List<StoredPeer>> _torrents = [];
    private readonly int _maxTorrents;
    private readonly int _maxPeersPerTorrent;
    private readonly long _ttlTicks;

    /// <summary>Creates a store.</summary>
    public PeerStore(int maxTorrents, int maxPeersPerTorrent, TimeSpan timeToLive)
    {
        _maxTorrents = Math.Max(1, maxTorrents);
        _maxPeersPerTorrent = Math.Max(1, maxPeersPerTorrent);
        _ttlTicks = timeToLive.Ticks;
    }

    /// <summary>Number of torrents with stored peers.</summary>
    public int TorrentCount => _torrents.Count;

    /// <summary>Total stored peers.</summary>
    public int PeerCount { get; private set; }

    /// <summary>The info hashes with stored peers.</summary>
    public IEnumerable<InfoHash> InfoHashes => _torrents.Keys;

    /// <summary>Stores (or refreshes) a peer for a torrent.</summary>
    public void Add(InfoHash infoHash, NodeEndPoint peer, long nowTicks)
    {
        if (!_torrents.TryGetValue(infoHash, out var peers))
        {
            if (_torrents.Count >= _maxTorrents)
            {
                Purge(nowTicks);
                if (_torrents.Count >= _maxTorrents)
                {
                    EvictSmallestTorrent();
                }
            }
            peers = [];
            _torrents[infoHash] = peers;
        }
        long expires = nowTicks + _ttlTicks;
        for (int i = 0; i < peers.Count; i++)
        {
            if (peers[i].EndPoint == peer)
            {
                peers[i] = new StoredPeer(peer, expires);
                return;
            }
        }
        if (peers.Count >= _maxPeersPerTorrent)
        {
            int oldest = 0;
            for (int i = 1; i < peers.Count; i++)
            {
                if (peers[i].ExpiresTicks < peers[oldest].ExpiresTicks) oldest = i;
            }
            peers[oldest] = new StoredPeer(peer, expires);
            return;
        }
        peers.Add(new StoredPeer(peer, expires));
        PeerCount++;
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
        List<InfoHash>? empty = null;
        foreach (var (infoHash, peers) in _torrents)
        {
            PeerCount -= peers.RemoveAll(p => p.ExpiresTicks <= nowTicks);
            if (peers.Count == 0) (empty ??= []).Add(infoHash);
        }
        if (empty is not null)
        {
            foreach (var infoHash in empty) _torrents.Remove(infoHash);
        }
    }

    /// <summary>Forgets everything.</summary>
    public void Clear()
    {
        _torrents.Clear();
        PeerCount = 0;
    }

    private void EvictSmallestTorrent()
    {
        InfoHash? smallest = null;
        int fewest = int.MaxValue;
        foreach (var (infoHash, peers) in _torrents)
        {
            if (peers.Count < fewest)
            {
                fewest = peers.Count;
                smallest = infoHash;
            }
        }
        if (smallest is InfoHash victim)
        {
            PeerCount -= fewest;
            _torrents.Remove(victim);
        }
    }

    private readonly record struct StoredPeer(NodeEndPoint EndPoint, long ExpiresTicks);
}
