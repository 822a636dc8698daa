namespace BitTorrent.Trackers;

/// <summary>One tracker's state as seen by a <see cref="TrackerManager"/>.</summary>
/// <param name="Uri">The tracker.</param>
/// <param name="Tier">Its tier in the announce-list.</param>
public sealed record TrackerStatus(Uri Uri, int Tier)
{
    /// <summary>Whether the last announce to it succeeded.</summary>
    public bool IsWorking { get; init; }

    /// <summary>When it was last announced to (success or failure); null before the first attempt.</summary>
    public DateTimeOffset? LastAttempt { get; init; }

    /// <summary>The interval it asked for in its last answer.</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>The min interval it asked for in its last answer.</summary>
    public TimeSpan? MinInterval { get; init; }

    /// <summary>Seeders, from its last answer.</summary>
    public int? Complete { get; init; }

    /// <summary>Leechers, from its last answer.</summary>
    public int? Incomplete { get; init; }

    /// <summary>How many peers its last answer listed.</summary>
    public int LastPeerCount { get; init; }

    /// <summary>The warning message of its last answer.</summary>
    public string? WarningMessage { get; init; }

    /// <summary>Why its last announce failed; null after a success.</summary>
    public TrackerException? LastError { get; init; }
}
