using System.Net;

namespace BitTorrent.Client;

/// <summary>
/// The addresses a torrent may dial, with where each came from and a backoff after failures (10 s doubling to 15 min,
/// dropped after <see cref="MaxFailures"/>). Bounded: at most <see cref="Capacity"/> addresses are kept. Loop-owned.
/// </summary>
internal sealed class PeerCandidates(TimeProvider time)
{
    /// <summary>The most addresses remembered per torrent.</summary>
    public const int Capacity = 2000;

    /// <summary>Failed attempts after which an address is forgotten.</summary>
    public const int MaxFailures = 5;

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(15);

    private readonly Dictionary<IPEndPoint, Entry> _entries = [];
    private readonly HashSet<IPEndPoint> _banned = [];

    private sealed class Entry(PeerSource source)
    {
        public PeerSource Source { get; } = source;
        public int Failures { get; set; }
        public long NotBefore { get; set; }
        public bool Busy { get; set; }
    }

    /// <summary>The number of addresses known.</summary>
    public int Count => _entries.Count;

    /// <summary>The addresses known and neither connected nor being dialled.</summary>
    public int Idle => _entries.Values.Count(e => !e.Busy);

    /// <summary>Remembers <paramref name="endPoint"/> (first source wins); false when known, banned or full.</summary>
    public bool Add(IPEndPoint endPoint, PeerSource source)
    {
        if (_banned.Contains(endPoint) || _entries.Count >= Capacity || endPoint.Port == 0) return false;
        return _entries.TryAdd(endPoint, new Entry(source));
    }

    /// <summary>Marks the address as connected (by us or by it), so it is not dialled again.</summary>
    public void MarkConnected(IPEndPoint endPoint, PeerSource source)
    {
        if (!_entries.TryGetValue(endPoint, out var entry))
        {
            if (_entries.Count >= Capacity) return;
            _entries[endPoint] = entry = new Entry(source);
        }
        entry.Busy = true;
        entry.Failures = 0;
    }

    /// <summary>The connection to the address ended; it may be dialled again after a pause.</summary>
    public void MarkDisconnected(IPEndPoint endPoint, bool failed)
    {
        if (!_entries.TryGetValue(endPoint, out var entry)) return;
        entry.Busy = false;
        if (failed) entry.Failures++;
        if (entry.Failures >= MaxFailures)
        {
            _entries.Remove(endPoint);
            return;
        }
        var backoff = failed ? FirstBackoff * Math.Pow(2, entry.Failures - 1) : FirstBackoff;
        entry.NotBefore = time.GetTimestamp() + (long)(Math.Min(backoff.TotalSeconds, MaxBackoff.TotalSeconds) * time.TimestampFrequency);
    }

    /// <summary>
    /// Addresses whose connection ended without a failure may be dialled at once (a finished torrent that wants more:
    /// the seeds it left on completion are the peers it needs). Failed addresses keep their backoff.
    /// </summary>
    public void EndPauses()
    {
        foreach (var entry in _entries.Values)
            if (entry.Failures == 0) entry.NotBefore = 0;
    }

    /// <summary>Never dial <paramref name="endPoint"/> again.</summary>
    public void Ban(IPEndPoint endPoint)
    {
        _banned.Add(endPoint);
        _entries.Remove(endPoint);
    }

    /// <summary>True when the address is banned.</summary>
    public bool IsBanned(IPEndPoint endPoint) => _banned.Contains(endPoint);

    /// <summary>Takes an address that may be dialled now (marking it busy), or false when none is due.</summary>
    public bool TryTake(out IPEndPoint endPoint, out PeerSource source)
    {
        long now = time.GetTimestamp();
        foreach (var (address, entry) in _entries)
        {
            if (entry.Busy || entry.NotBefore > now) continue;
            entry.Busy = true;
            endPoint = address;
            source = entry.Source;
            return true;
        }
        endPoint = null!;
        source = default;
        return false;
    }
}
