namespace BitTorrent.Client;

/// <summary>
/// Tit-for-tat choking (BEP 3): a few regular upload slots for the interested peers that give us the most (download
/// rate from them while leeching; upload rate to them, or round robin, while seeding), reassigned every
/// <see cref="ChokerOptions.RechokeInterval"/>, plus one optimistic unchoke moved every
/// <see cref="ChokerOptions.OptimisticInterval"/> to a random choked interested peer, newly connected peers three
/// times as likely.
/// </summary>
/// <remarks>
/// Driven by the caller's clock: timestamps are <see cref="TimeProvider.GetTimestamp"/> values of the
/// <see cref="TimeProvider"/> given here; there is no timer inside. The caller asks <see cref="IsRechokeDue"/> on its
/// tick and calls <see cref="Rechoke"/>, which reports whom to choke and unchoke. Not thread-safe: one torrent's loop owns it.
/// </remarks>
public sealed class Choker
{
    private readonly TimeProvider _time;
    private readonly ChokerOptions _options;
    private readonly Random _random;
    private readonly HashSet<PeerHandle> _unchoked = [];
    private readonly Dictionary<PeerHandle, long> _unchokedAt = []; // round robin: when each peer last got a slot
    private readonly List<ChokeCandidate> _ranked = [];
    private readonly HashSet<PeerHandle> _next = [];
    private long _lastRechoke;
    private long _lastOptimistic;
    private bool _started;

    /// <summary>Creates a choker.</summary>
    /// <param name="time">The clock whose timestamps the caller passes in.</param>
    /// <param name="options">Tuning; null for the defaults.</param>
    public Choker(TimeProvider time, ChokerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _options = options ?? new ChokerOptions();
        _random = _options.RandomSeed is int seed ? new Random(seed) : new Random();
    }

    /// <summary>The peers currently unchoked (regular and optimistic).</summary>
    public IReadOnlyCollection<PeerHandle> Unchoked => _unchoked;

    /// <summary>The optimistic unchoke, if any.</summary>
    public PeerHandle? Optimistic { get; private set; }

    /// <summary>
    /// True while fewer peers are unchoked than the regular slots plus the optimistic one: a peer that becomes interested
    /// can have a slot without anyone losing theirs.
    /// </summary>
    public bool HasFreeSlot => _unchoked.Count < _options.EffectiveUploadSlots + 1;

    /// <summary>True when no rechoke ran yet or <see cref="ChokerOptions.RechokeInterval"/> passed since the last.</summary>
    public bool IsRechokeDue(long now) => !_started || _time.GetElapsedTime(_lastRechoke, now) >= _options.RechokeInterval;

    /// <summary>Forgets a disconnected peer (its slot is refilled at the next rechoke).</summary>
    public void RemovePeer(PeerHandle peer)
    {
        _unchoked.Remove(peer);
        _unchokedAt.Remove(peer);
        if (Optimistic == peer) Optimistic = null;
    }

    /// <summary>
    /// Reassigns the slots among <paramref name="peers"/> (every connected peer) at <paramref name="now"/>, and moves
    /// the optimistic unchoke when its interval passed or it lost its place. Adds to <paramref name="unchoke"/> the
    /// peers to unchoke and to <paramref name="choke"/> those to choke; peers not listed keep their state.
    /// </summary>
    public void Rechoke(long now, bool seeding, ReadOnlySpan<ChokeCandidate> peers, ICollection<PeerHandle> unchoke, ICollection<PeerHandle> choke)
    {
        ArgumentNullException.ThrowIfNull(unchoke);
        ArgumentNullException.ThrowIfNull(choke);
        bool rotateOptimistic = !_started || _time.GetElapsedTime(_lastOptimistic, now) >= _options.OptimisticInterval;
        _started = true;
        _lastRechoke = now;

        _ranked.Clear();
        foreach (var c in peers) if (c.Interested) _ranked.Add(c);
        Rank(seeding);

        _next.Clear();
        int slots = _options.EffectiveUploadSlots;
        for (int i = 0; i < _ranked.Count && _next.Count < slots; i++) _next.Add(_ranked[i].Peer);

        // The optimistic unchoke stays for its interval unless it left, lost interest or earned a regular slot.
        var previous = Optimistic;
        if (previous is PeerHandle current && (rotateOptimistic || _next.Contains(current) || !IsInterested(peers, current))) Optimistic = null;
        if (Optimistic is null)
        {
            // Another peer's turn: the previous one only when nobody else is waiting.
            Optimistic = PickOptimistic(now, previous) ?? (previous is PeerHandle p && !_next.Contains(p) && IsInterested(peers, p) ? p : null);
            _lastOptimistic = now;
        }
        if (Optimistic is PeerHandle optimistic) _next.Add(optimistic);

        foreach (var peer in _unchoked) if (!_next.Contains(peer)) choke.Add(peer);
        foreach (var peer in _next)
        {
            if (_unchoked.Contains(peer)) continue;
            unchoke.Add(peer);
            _unchokedAt[peer] = now;
        }
        _unchoked.Clear();
        _unchoked.UnionWith(_next);
    }

    private void Rank(bool seeding)
    {
        if (!seeding) _ranked.Sort((a, b) => b.DownloadRate.CompareTo(a.DownloadRate));
        else if (_options.SeedChoking == SeedChokingMode.FastestUpload) _ranked.Sort((a, b) => b.UploadRate.CompareTo(a.UploadRate));
        else _ranked.Sort((a, b) => UnchokedAt(a.Peer).CompareTo(UnchokedAt(b.Peer)));
    }

    // Round robin: peers that never had a slot first, then those whose slot began longest ago.
    private long UnchokedAt(PeerHandle peer) => _unchokedAt.TryGetValue(peer, out long at) ? at : long.MinValue;

    private PeerHandle? PickOptimistic(long now, PeerHandle? exclude)
    {
        long total = 0;
        foreach (var c in _ranked) if (!_next.Contains(c.Peer) && c.Peer != exclude) total += Weight(c, now);
        if (total == 0) return null;
        long pick = _random.NextInt64(total);
        foreach (var c in _ranked)
        {
            if (_next.Contains(c.Peer) || c.Peer == exclude) continue;
            pick -= Weight(c, now);
            if (pick < 0) return c.Peer;
        }
        return null;
    }

    private int Weight(ChokeCandidate c, long now) => _time.GetElapsedTime(c.ConnectedAt, now) < _options.NewPeerWindow ? 3 : 1;

    private static bool IsInterested(ReadOnlySpan<ChokeCandidate> peers, PeerHandle peer)
    {
        foreach (var c in peers) if (c.Peer == peer) return c.Interested;
        return false;
    }
}
