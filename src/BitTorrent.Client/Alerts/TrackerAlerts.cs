using BitTorrent.Trackers;

namespace BitTorrent.Client;

/// <summary>A tracker answered an announce.</summary>
/// <param name="InfoHash">The torrent.</param>
/// <param name="Time">When.</param>
/// <param name="Tracker">The tracker's URL.</param>
/// <param name="PeerCount">How many peers it listed.</param>
/// <param name="Interval">The interval it asked for (clamped), before the next regular announce.</param>
/// <param name="WarningMessage">Its <c>warning message</c>, when it sent one.</param>
public sealed record TrackerReplyAlert(InfoHash InfoHash, DateTimeOffset Time, Uri Tracker, int PeerCount, TimeSpan Interval, string? WarningMessage)
    : Alert(InfoHash, Time);

/// <summary>An announce to a tracker failed; the torrent goes on with its other trackers and peer sources.</summary>
/// <param name="InfoHash">The torrent.</param>
/// <param name="Time">When.</param>
/// <param name="Tracker">The tracker's URL.</param>
/// <param name="Error">What went wrong (<see cref="TrackerError.Failure"/>: the tracker refused, with its text in <paramref name="Message"/>).</param>
/// <param name="Message">The detail.</param>
public sealed record TrackerErrorAlert(InfoHash InfoHash, DateTimeOffset Time, Uri Tracker, TrackerError Error, string Message) : Alert(InfoHash, Time);
