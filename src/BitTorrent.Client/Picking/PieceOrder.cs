namespace BitTorrent.Client;

/// <summary>
/// The candidate pieces (wanted, missing, not yet started) kept sorted by a small integer key in buckets, as
/// libtorrent's piece picker keeps them: a key change of one (a have, a disconnect) is a swap at a bucket boundary,
/// O(1); adding or removing a piece moves one element per bucket after it, at most <see cref="KeyCount"/>.
/// A piece entering a bucket is swapped with a random member of it, so ties are broken at random.
/// Not thread-safe: owned by the torrent's loop.
/// </summary>
internal sealed class PieceOrder
{
    /// <summary>Availability levels told apart; higher counts share the last level.</summary>
    public const int AvailabilityLevels = 64;

    /// <summary>Priority tiers (priorities 1..7).</summary>
    public const int Tiers = 7;

    /// <summary>The number of distinct keys.</summary>
    public const int KeyCount = Tiers * AvailabilityLevels;

    private readonly int[] _pieces;
    private readonly int[] _position;
    private readonly int[] _start = new int[KeyCount + 1];
    private readonly Random _random;

    public PieceOrder(int pieceCount, Random random)
    {
        _pieces = new int[pieceCount];
        _position = new int[pieceCount];
        _random = random;
        Array.Fill(_position, -1);
    }

    /// <summary>The number of candidate pieces.</summary>
    public int Count { get; private set; }

    /// <summary>The key of a piece with <paramref name="priority"/> (1..7) held by <paramref name="availability"/> peers.</summary>
    public static int Key(int priority, int availability) =>
        (Tiers - priority) * AvailabilityLevels + Math.Min(availability, AvailabilityLevels - 1);

    /// <summary>True when <paramref name="piece"/> is a candidate.</summary>
    public bool Contains(int piece) => _position[piece] >= 0;

    /// <summary>The piece at sorted position <paramref name="position"/>.</summary>
    public int this[int position] => _pieces[position];

    /// <summary>The first sorted position of bucket <paramref name="key"/> (equals <see cref="Count"/> past the last key).</summary>
    public int BucketStart(int key) => _start[key];

    /// <summary>Replaces the contents: every piece whose <paramref name="keyOf"/> is non-negative, in random order within buckets.</summary>
    public void Rebuild(Func<int, int> keyOf)
    {
        Array.Fill(_position, -1);
        Array.Clear(_start);
        int n = _pieces.Length;
        Span<int> keys = n <= 1024 ? stackalloc int[n] : new int[n];
        Count = 0;
        for (int p = 0; p < n; p++)
        {
            keys[p] = keyOf(p);
            if (keys[p] < 0) continue;
            _start[keys[p] + 1]++;
            Count++;
        }
        for (int k = 1; k <= KeyCount; k++) _start[k] += _start[k - 1];
        Span<int> fill = KeyCount <= 1024 ? stackalloc int[KeyCount] : new int[KeyCount];
        _start.AsSpan(0, KeyCount).CopyTo(fill);
        for (int p = 0; p < n; p++)
        {
            if (keys[p] < 0) continue;
            int at = fill[keys[p]]++;
            _pieces[at] = p;
            _position[p] = at;
        }
        for (int k = 0; k < KeyCount; k++) Shuffle(_start[k], _start[k + 1]);
    }

    /// <summary>Inserts <paramref name="piece"/> with <paramref name="key"/>.</summary>
    public void Add(int piece, int key)
    {
        // Open a hole at the end of the last bucket and walk it down to the end of bucket `key`.
        int hole = Count++;
        for (int k = KeyCount - 1; k > key; k--)
        {
            int first = _start[k];
            if (first != hole) Place(_pieces[first], hole);
            _start[k] = first + 1;
            hole = first;
        }
        _start[KeyCount] = Count;
        Place(piece, hole);
        SwapWithRandom(hole, _start[key], _start[key + 1]);
    }

    /// <summary>Removes <paramref name="piece"/>, whose current key is <paramref name="key"/>.</summary>
    public void Remove(int piece, int key)
    {
        int hole = _position[piece];
        _position[piece] = -1;
        for (int k = key; k < KeyCount; k++)
        {
            int last = _start[k + 1] - 1;
            if (last != hole) Place(_pieces[last], hole);
            hole = last;
            if (k + 1 < KeyCount) _start[k + 1] = last;
        }
        Count--;
        _start[KeyCount] = Count;
    }

    /// <summary>Moves <paramref name="piece"/> from <paramref name="key"/> to <paramref name="key"/> + 1.</summary>
    public void Increment(int piece, int key)
    {
        int last = _start[key + 1] - 1;
        Swap(_position[piece], last);
        _start[key + 1] = last;
        SwapWithRandom(last, last, _start[key + 2]);
    }

    /// <summary>Moves <paramref name="piece"/> from <paramref name="key"/> to <paramref name="key"/> - 1.</summary>
    public void Decrement(int piece, int key)
    {
        int first = _start[key];
        Swap(_position[piece], first);
        _start[key] = first + 1;
        SwapWithRandom(first, _start[key - 1], first + 1);
    }

    private void SwapWithRandom(int at, int from, int to)
    {
        if (to - from > 1) Swap(at, _random.Next(from, to));
    }

    private void Shuffle(int from, int to)
    {
        for (int i = to - 1; i > from; i--) Swap(i, _random.Next(from, i + 1));
    }

    private void Swap(int a, int b)
    {
        if (a == b) return;
        int pa = _pieces[a], pb = _pieces[b];
        Place(pa, b);
        Place(pb, a);
    }

    private void Place(int piece, int at)
    {
        _pieces[at] = piece;
        _position[piece] = at;
    }
}
