namespace BitTorrent.Trackers;

/// <summary>
/// The announce-list (BEP 12): tiers of tracker URLs, each tier shuffled once when created; a tracker that answers
/// moves to the front of its tier, so it is tried first next time. URLs that are not http, https or udp, and
/// repeats, are dropped; empty tiers are removed.
/// </summary>
public sealed class TrackerTiers
{
    private readonly List<List<Uri>> _tiers = [];

    /// <summary>Creates the tiers from an announce-list (or a single announce URL as one tier).</summary>
    /// <param name="announceList">The tiers, in the torrent's order.</param>
    /// <param name="random">The shuffle's source; <see cref="Random.Shared"/> when null.</param>
    public TrackerTiers(IEnumerable<IEnumerable<Uri>> announceList, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(announceList);
        var seen = new HashSet<Uri>();
        foreach (var tier in announceList)
        {
            var urls = tier.Where(u => TrackerClient.IsSupported(u) && seen.Add(u)).ToArray();
            if (urls.Length == 0) continue;
            (random ?? Random.Shared).Shuffle(urls);
            _tiers.Add([.. urls]);
        }
    }

    /// <summary>The number of tiers.</summary>
    public int Count => _tiers.Count;

    /// <summary>The trackers of tier <paramref name="tier"/>, in the order they are tried (a copy).</summary>
    public IReadOnlyList<Uri> this[int tier] => [.. _tiers[tier]];

    /// <summary>Every tracker, tier by tier.</summary>
    public IEnumerable<Uri> All => _tiers.SelectMany(t => t).ToArray();

    /// <summary>Moves <paramref name="tracker"/> to the front of its tier (it answered).</summary>
    /// <returns>False when the tracker is in no tier.</returns>
    public bool Promote(Uri tracker)
    {
        foreach (var tier in _tiers)
        {
            int index = tier.IndexOf(tracker);
            if (index < 0) continue;
            tier.RemoveAt(index);
            tier.Insert(0, tracker);
            return true;
        }
        return false;
    }
}
