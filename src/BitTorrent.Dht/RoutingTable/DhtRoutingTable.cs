using System.Buffers.Binary;

namespace BitTorrent.Dht.RoutingTable;

/// <summary>
/// The Kademlia routing table: k-buckets indexed by the length of the prefix shared with the local id; the bucket
/// holding the local id splits when full. Distances are compared exactly on 160 bits.
/// </summary>
public sealed class DhtRoutingTable
{
    /// <summary>How long a contact stays good after answering (BEP 5: 15 minutes).</summary>
    public static readonly TimeSpan GoodFor = TimeSpan.FromMinutes(15);

    private readonly List<KBucket> _buckets = [];
    private readonly int _replacementSize;
    private int _count;

    /// <summary>Creates an empty table.</summary>
    /// <param name="localId">Our node id.</param>
    /// <param name="k">Bucket size (K).</param>
    /// <param name="restrictSubnets">At most one node per /24 (IPv4) or /64 (IPv6) in each bucket (loopback exempt).</param>
    /// <param name="nowTicks">The current UTC ticks.</param>
    public DhtRoutingTable(NodeId localId, int k = 20, bool restrictSubnets = true, long nowTicks = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        LocalId = localId;
        K = k;
        RestrictSubnets = restrictSubnets;
        _replacementSize = Math.Clamp(k / 4, 2, 8);
        _buckets.Add(new KBucket(nowTicks, Math.Min(k, 32), _replacementSize));
    }

    /// <summary>Our node id.</summary>
    public NodeId LocalId { get; }

    /// <summary>Bucket size.</summary>
    public int K { get; }

    /// <summary>Whether the one-node-per-subnet rule applies.</summary>
    public bool RestrictSubnets { get; }

    /// <summary>Number of contacts in buckets (not counting replacements).</summary>
    public int Count => _count;

    /// <summary>The buckets, from the farthest (prefix length 0) to the one holding our id.</summary>
    public IReadOnlyList<KBucket> Buckets => _buckets;

    /// <summary>Raised when a contact enters a bucket.</summary>
    public event Action<DhtContact>? ContactAdded;

    /// <summary>Raised when a contact leaves the table.</summary>
    public event Action<DhtContact>? ContactRemoved;

    /// <summary>The index of the bucket that covers <paramref name="id"/>.</summary>
    public int BucketIndexOf(in NodeId id) => Math.Min(LocalId.CommonPrefixLength(id), _buckets.Count - 1);

    /// <summary>Whether a new node with this id could enter a bucket now (room, a split, or a bad contact to replace).</summary>
    public bool HasRoomFor(in NodeId id)
    {
        int index = BucketIndexOf(id);
        var bucket = _buckets[index];
        if (bucket.Nodes.Count < K || (index == _buckets.Count - 1 && _buckets.Count < NodeId.Length * 8))
        {
            return true;
        }
        foreach (var contact in bucket.Nodes)
        {
            if (contact.FailCount >= DhtContact.MaxFailures) return true;
        }
        return false;
    }

    /// <summary>Number of contacts waiting in replacement caches.</summary>
    public int ReplacementCount => _buckets.Sum(b => b.Replacements.Count);

    /// <summary>Finds a contact by id.</summary>
    public DhtContact? Find(in NodeId id)
    {
        var bucket = _buckets[BucketIndexOf(id)];
        int i = bucket.IndexOf(id, bucket.Nodes);
        return i >= 0 ? bucket.Nodes[i] : null;
    }

    /// <summary>
    /// Adds or refreshes a node. <paramref name="responded"/> marks a node that has just answered one of our queries.
    /// When the bucket is full and cannot split, a bad contact is replaced; otherwise the node goes to the
    /// replacement cache and <paramref name="pingCandidate"/> is the most questionable contact to ping.
    /// </summary>
    public RoutingTableInsertResult TryAdd(in NodeId id, NodeEndPoint endPoint, long nowTicks, bool responded, bool isVerified,
        out DhtContact? pingCandidate)
    {
        pingCandidate = null;
        if (id == LocalId)
        {
            return RoutingTableInsertResult.Rejected;
        }
        while (true)
        {
            int index = BucketIndexOf(id);
            var bucket = _buckets[index];
            int existing = bucket.IndexOf(id, bucket.Nodes);
            if (existing >= 0)
            {
                var contact = bucket.Nodes[existing];
                if (contact.EndPoint != endPoint)
                {
                    // An id that moved address must prove itself from the new address before we believe it.
                    if (!responded)
                    {
                        return RoutingTableInsertResult.Rejected;
                    }
                    contact.EndPoint = endPoint;
                }
                if (responded)
                {
                    contact.LastResponseTicks = nowTicks;
                    contact.FailCount = 0;
                    bucket.LastChangedTicks = nowTicks;
                }
                return RoutingTableInsertResult.Updated;
            }
            if (RestrictSubnets && !endPoint.IsLoopback && HasSubnetNeighbour(bucket, endPoint))
            {
                return RoutingTableInsertResult.Rejected;
            }
            if (bucket.Nodes.Count < K)
            {
                Insert(bucket, id, endPoint, nowTicks, responded, isVerified);
                return RoutingTableInsertResult.Added;
            }
            if (index == _buckets.Count - 1 && _buckets.Count < NodeId.Length * 8)
            {
                Split();
                continue;
            }
            for (int i = 0; i < bucket.Nodes.Count; i++)
            {
                if (bucket.Nodes[i].FailCount >= DhtContact.MaxFailures)
                {
                    RemoveAt(bucket, i);
                    Insert(bucket, id, endPoint, nowTicks, responded, isVerified);
                    return RoutingTableInsertResult.Added;
                }
            }
            AddReplacement(bucket, new DhtContact(id, endPoint, responded ? nowTicks : 0, isVerified));
            pingCandidate = MostQuestionable(bucket, nowTicks);
            return RoutingTableInsertResult.Replacement;
        }
    }

    /// <summary>Records a timeout for a contact; a contact that becomes bad is replaced from the cache when possible.</summary>
    /// <returns>True when the contact was removed.</returns>
    public bool RecordFailure(in NodeId id)
    {
        var bucket = _buckets[BucketIndexOf(id)];
        int i = bucket.IndexOf(id, bucket.Nodes);
        if (i < 0)
        {
            int r = bucket.IndexOf(id, bucket.Replacements);
            if (r >= 0)
            {
                bucket.Replacements.RemoveAt(r);
            }
            return false;
        }
        var contact = bucket.Nodes[i];
        contact.FailCount++;
        bool neverAnswered = contact.LastResponseTicks == 0;
        if (contact.FailCount < DhtContact.MaxFailures && !(neverAnswered && bucket.Replacements.Count > 0))
        {
            return false;
        }
        if (bucket.Replacements.Count == 0 && contact.FailCount < DhtContact.MaxFailures * 2)
        {
            // Keep a bad node until someone can take its place: a full bucket of bad nodes is better than none.
            return false;
        }
        RemoveAt(bucket, i);
        PromoteReplacement(bucket);
        return true;
    }

    /// <summary>Removes a contact by id.</summary>
    public bool Remove(in NodeId id)
    {
        var bucket = _buckets[BucketIndexOf(id)];
        int i = bucket.IndexOf(id, bucket.Nodes);
        if (i < 0)
        {
            return false;
        }
        RemoveAt(bucket, i);
        PromoteReplacement(bucket);
        return true;
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with the contacts closest to <paramref name="target"/>, closest first,
    /// skipping bad ones, and returns how many were written (at most destination.Length).
    /// </summary>
    public int FindClosest(in NodeId target, Span<DhtContact?> destination, bool includeBad = false)
    {
        int count = 0;
        var targetSpan = target.Span;
        ulong targetPrefix = BinaryPrimitives.ReadUInt64BigEndian(targetSpan);
        // The first 64 bits of each kept distance decide almost every comparison; ties fall back to all 160 bits.
        Span<ulong> keys = destination.Length <= 256 ? stackalloc ulong[destination.Length] : new ulong[destination.Length];
        foreach (var bucket in _buckets)
        {
            foreach (var contact in bucket.Nodes)
            {
                if (!includeBad && contact.FailCount >= DhtContact.MaxFailures)
                {
                    continue;
                }
                ulong key = BinaryPrimitives.ReadUInt64BigEndian(contact.Id.Span) ^ targetPrefix;
                if (count == destination.Length)
                {
                    if (count == 0 || Compare(key, contact, keys[count - 1], destination[count - 1]!, targetSpan) >= 0)
                    {
                        continue;
                    }
                    count--;
                }
                int j = count;
                while (j > 0 && Compare(key, contact, keys[j - 1], destination[j - 1]!, targetSpan) < 0)
                {
                    destination[j] = destination[j - 1];
                    keys[j] = keys[j - 1];
                    j--;
                }
                destination[j] = contact;
                keys[j] = key;
                count++;
            }
        }
        return count;
    }

    private static int Compare(ulong keyA, DhtContact a, ulong keyB, DhtContact b, ReadOnlySpan<byte> target) =>
        keyA != keyB ? (keyA < keyB ? -1 : 1) : NodeId.CompareDistance(target, a.Id.Span, b.Id.Span);

    /// <summary>Every contact, farthest bucket first.</summary>
    public IEnumerable<DhtContact> Contacts()
    {
        foreach (var bucket in _buckets)
        {
            foreach (var contact in bucket.Nodes)
            {
                yield return contact;
            }
        }
    }

    /// <summary>A random id that falls in bucket <paramref name="index"/> (for refreshing it).</summary>
    public NodeId RandomIdInBucket(int index, Random random)
    {
        Span<byte> id = stackalloc byte[NodeId.Length];
        random.NextBytes(id);
        var local = LocalId.Span;
        bool isLast = index == _buckets.Count - 1;
        // Keep the first `index` bits of our id, then flip bit `index` (unless this is the last bucket).
        for (int bit = 0; bit < index; bit++)
        {
            SetBit(id, bit, GetBit(local, bit));
        }
        if (!isLast && index < NodeId.Length * 8)
        {
            SetBit(id, index, !GetBit(local, index));
        }
        return new NodeId(id);
    }

    /// <summary>The oldest questionable or bad contact of a bucket, or null when all are good.</summary>
    public static DhtContact? MostQuestionable(KBucket bucket, long nowTicks)
    {
        DhtContact? worst = null;
        foreach (var contact in bucket.Nodes)
        {
            if (contact.GetState(nowTicks, GoodFor) == ContactState.Good)
            {
                continue;
            }
            if (worst is null || contact.LastResponseTicks < worst.LastResponseTicks)
            {
                worst = contact;
            }
        }
        return worst;
    }

    private static bool GetBit(ReadOnlySpan<byte> id, int bit) => (id[bit >> 3] & (0x80 >> (bit & 7))) != 0;

    private static void SetBit(Span<byte> id, int bit, bool value)
    {
        if (value)
        {
            id[bit >> 3] |= (byte)(0x80 >> (bit & 7));
        }
        else
        {
            id[bit >> 3] &= (byte)~(0x80 >> (bit & 7));
        }
    }

    private static bool HasSubnetNeighbour(KBucket bucket, NodeEndPoint endPoint)
    {
        ulong subnet = endPoint.SubnetKey;
        foreach (var contact in bucket.Nodes)
        {
            if (contact.EndPoint.SubnetKey == subnet && contact.EndPoint.IsIPv6 == endPoint.IsIPv6)
            {
                return true;
            }
        }
        return false;
    }

    private void Insert(KBucket bucket, in NodeId id, NodeEndPoint endPoint, long nowTicks, bool responded, bool isVerified)
    {
        int r = bucket.IndexOf(id, bucket.Replacements);
        if (r >= 0)
        {
            bucket.Replacements.RemoveAt(r);
        }
        var contact = new DhtContact(id, endPoint, responded ? nowTicks : 0, isVerified);
        bucket.Nodes.Add(contact);
        bucket.LastChangedTicks = nowTicks;
        _count++;
        ContactAdded?.Invoke(contact);
    }

    private void RemoveAt(KBucket bucket, int index)
    {
        var contact = bucket.Nodes[index];
        bucket.Nodes.RemoveAt(index);
        _count--;
        ContactRemoved?.Invoke(contact);
    }

    private void AddReplacement(KBucket bucket, DhtContact candidate)
    {
        int existing = bucket.IndexOf(candidate.Id, bucket.Replacements);
        if (existing >= 0)
        {
            bucket.Replacements.RemoveAt(existing);
        }
        else if (bucket.Replacements.Count >= _replacementSize)
        {
            // Drop the oldest unverified candidate first (BEP 42: verified nodes are preferred).
            int drop = bucket.Replacements.FindIndex(c => !c.IsVerified);
            bucket.Replacements.RemoveAt(drop >= 0 ? drop : 0);
        }
        bucket.Replacements.Add(candidate);
    }

    private void PromoteReplacement(KBucket bucket)
    {
        if (bucket.Replacements.Count == 0)
        {
            return;
        }
        // Prefer the newest verified candidate that has answered us, then the newest of any kind.
        int pick = -1;
        for (int i = bucket.Replacements.Count - 1; i >= 0 && pick < 0; i--)
        {
            if (bucket.Replacements[i].IsVerified && bucket.Replacements[i].LastResponseTicks != 0) pick = i;
        }
        for (int i = bucket.Replacements.Count - 1; i >= 0 && pick < 0; i--)
        {
            if (bucket.Replacements[i].LastResponseTicks != 0) pick = i;
        }
        if (pick < 0) pick = bucket.Replacements.Count - 1;
        var candidate = bucket.Replacements[pick];
        bucket.Replacements.RemoveAt(pick);
        if (RestrictSubnets && !candidate.EndPoint.IsLoopback && HasSubnetNeighbour(bucket, candidate.EndPoint))
        {
            return;
        }
        bucket.Nodes.Add(candidate);
        _count++;
        ContactAdded?.Invoke(candidate);
    }

    private void Split()
    {
        int lastIndex = _buckets.Count - 1;
        var last = _buckets[lastIndex];
        var next = new KBucket(last.LastChangedTicks, Math.Min(K, 32), _replacementSize);
        _buckets.Add(next);
        Move(last.Nodes, next.Nodes, lastIndex);
        Move(last.Replacements, next.Replacements, lastIndex);
        while (last.Nodes.Count < K && last.Replacements.Count > 0)
        {
            var r = last.Replacements[^1];
            last.Replacements.RemoveAt(last.Replacements.Count - 1);
            last.Nodes.Add(r);
            _count++;
            ContactAdded?.Invoke(r);
        }
    }

    private void Move(List<DhtContact> from, List<DhtContact> to, int lastIndex)
    {
        for (int i = 0; i < from.Count;)
        {
            if (LocalId.CommonPrefixLength(from[i].Id) > lastIndex)
            {
                to.Add(from[i]);
                from.RemoveAt(i);
            }
            else
            {
                i++;
            }
        }
    }
}
