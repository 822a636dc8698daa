namespace BitTorrent.Extensions;

/// <summary>
/// The receive-rate rule of ut_pex, as libtorrent's receiver applies it: a message is a flood when, counting it, more
/// than <c>maxPerWindow</c> messages arrived within <c>window</c>. Judging the rate over several messages (not the
/// gap between two) keeps a peer that sends every 60 s connected when two of its messages arrive back to back after a
/// read pause. Arrival times are monotonic timestamps of the <see cref="TimeProvider"/>. Not thread-safe: the caller
/// serializes (ut_pex calls it under its lock).
/// </summary>
internal sealed class PexFloodRule
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _window;
    private readonly long[] _arrivals; // the most recent arrivals, a ring: _arrivals[_next] is the oldest once full
    private int _count;
    private int _next;

    public PexFloodRule(TimeProvider time, TimeSpan window, int maxPerWindow)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPerWindow);
        _time = time;
        _window = window;
        _arrivals = new long[maxPerWindow];
    }

    /// <summary>Records an arrival now; false when it makes more than the allowed number of messages within the window.</summary>
    public bool TryRecord()
    {
        long now = _time.GetTimestamp();
        if (_count == _arrivals.Length && _time.GetElapsedTime(_arrivals[_next], now) < _window) return false;
        _arrivals[_next] = now;
        _next = (_next + 1) % _arrivals.Length;
        if (_count < _arrivals.Length) _count++;
        return true;
    }

    /// <summary>Forgets every arrival.</summary>
    public void Clear()
    {
        _count = 0;
        _next = 0;
    }
}
