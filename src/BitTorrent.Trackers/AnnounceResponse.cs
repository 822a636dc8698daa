namespace BitTorrent.Trackers;

/// <summary>A tracker's answer to an announce, already bounded and clamped by <see cref="TrackerOptions"/>.</summary>
public sealed record AnnounceResponse
{
    /// <summary>How long to wait before the next regular announce (clamped to
    /// [<see cref="TrackerOptions.MinimumInterval"/>, <see cref="TrackerOptions.MaximumInterval"/>]).</summary>
    public required TimeSpan Interval { get; init; }

    /// <summary>The <c>min interval</c>: announces must not come more often than this (clamped like
    /// <see cref="Interval"/>); null when the tracker did not send one.</summary>
    public TimeSpan? MinInterval { get; init; }

    /// <summary>The peers, IPv4 (<c>peers</c>) and IPv6 (<c>peers6</c>, BEP 7) together.</summary>
    public required IReadOnlyList<TrackerPeer> Peers { get; init; }

    /// <summary>Seeders in the swarm (<c>complete</c>; UDP <c>seeders</c>), when sent.</summary>
    public int? Complete { get; init; }

    /// <summary>Leechers in the swarm (<c>incomplete</c>; UDP <c>leechers</c>), when sent.</summary>
    public int? Incomplete { get; init; }

    /// <summary>The <c>tracker id</c> to send back on the next announce, when sent.</summary>
    public string? TrackerId { get; init; }

    /// <summary>The <c>warning message</c>: the announce succeeded but the tracker wants this shown.</summary>
    public string? WarningMessage { get; init; }
}
