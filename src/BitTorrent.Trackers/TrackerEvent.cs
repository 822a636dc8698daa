namespace BitTorrent.Trackers;

/// <summary>The <c>event</c> of an announce (BEP 3); the numeric values are the ones BEP 15 sends over UDP.</summary>
public enum TrackerEvent
{
    /// <summary>A regular re-announce: no event.</summary>
    None = 0,
    /// <summary>The download completed (sent once, when it completes).</summary>
    Completed = 1,
    /// <summary>The first announce to a tracker.</summary>
    Started = 2,
    /// <summary>The client is leaving the swarm.</summary>
    Stopped = 3,
}
