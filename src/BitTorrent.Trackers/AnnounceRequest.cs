namespace BitTorrent.Trackers;

/// <summary>What a client tells a tracker in one announce (BEP 3, BEP 15).</summary>
/// <param name="InfoHash">The torrent's info hash.</param>
/// <param name="PeerId">This client's peer id.</param>
/// <param name="Port">The port this client accepts peer connections on.</param>
public sealed record AnnounceRequest(InfoHash InfoHash, PeerId PeerId, int Port)
{
    /// <summary>Bytes uploaded since the <see cref="TrackerEvent.Started"/> announce.</summary>
    public long Uploaded { get; init; }

    /// <summary>Bytes downloaded since the <see cref="TrackerEvent.Started"/> announce.</summary>
    public long Downloaded { get; init; }

    /// <summary>Bytes still missing (0 for a seed).</summary>
    public long Left { get; init; }

    /// <summary>The announce event.</summary>
    public TrackerEvent Event { get; init; }

    /// <summary>How many peers to ask for (<c>numwant</c>); null lets the tracker choose.</summary>
    public int? NumWant { get; init; }

    /// <summary>The <c>key</c>: a random number that proves this client's identity if its IP address changes.</summary>
    public uint Key { get; init; }

    /// <summary>The <c>tracker id</c> an HTTP tracker sent in an earlier response, echoed back as <c>trackerid</c>.</summary>
    public string? TrackerId { get; init; }
}
