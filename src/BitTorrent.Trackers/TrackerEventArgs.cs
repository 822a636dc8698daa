namespace BitTorrent.Trackers;

/// <summary>A tracker listed peers.</summary>
/// <param name="tracker">The tracker.</param>
/// <param name="peers">The peers it listed.</param>
public sealed class TrackerPeersEventArgs(Uri tracker, IReadOnlyList<TrackerPeer> peers) : EventArgs
{
    /// <summary>The tracker.</summary>
    public Uri Tracker { get; } = tracker;

    /// <summary>The peers it listed.</summary>
    public IReadOnlyList<TrackerPeer> Peers { get; } = peers;
}

/// <summary>A tracker's status changed after an announce (success or failure).</summary>
/// <param name="status">Its new status.</param>
public sealed class TrackerStatusEventArgs(TrackerStatus status) : EventArgs
{
    /// <summary>Its new status.</summary>
    public TrackerStatus Status { get; } = status;
}
