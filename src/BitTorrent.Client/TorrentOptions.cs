using System.Net;
using BitTorrent.Storage;

namespace BitTorrent.Client;

/// <summary>Options of one torrent added to a <see cref="ClientEngine"/>.</summary>
public sealed record TorrentOptions
{
    /// <summary>The directory the torrent's files are stored under (the torrent's name is a folder in it for multi-file torrents).</summary>
    public required string SaveDirectory { get; init; }

    /// <summary>Keep uploading once complete (<see cref="TorrentState.Seeding"/>); false stops the torrent when it completes.</summary>
    public bool SeedAfterDownload { get; init; } = true;

    /// <summary>The indices of the files to download (in the torrent's file order); null selects every file.</summary>
    public IReadOnlyCollection<int>? SelectedFiles { get; init; }

    /// <summary>
    /// One priority per file, in the torrent's file order (libtorrent's file priorities): <see cref="FilePriority.Skip"/>
    /// files are neither downloaded nor created; of the others, every piece of a higher-priority file is requested before
    /// any piece of a lower one (a piece shared by two files takes the higher). Null: every file
    /// <see cref="FilePriority.Normal"/>. Files left out of <see cref="SelectedFiles"/> are skipped whatever their entry.
    /// A list that does not have one entry per file fails the torrent when its files are known (at once from a .torrent,
    /// after the metadata from a magnet link).
    /// </summary>
    public IReadOnlyList<FilePriority>? FilePriorities { get; init; }

    /// <summary>Download pieces in order (for streaming) instead of rarest first.</summary>
    public bool Sequential { get; init; }

    /// <summary>Peers to connect to at once (source <see cref="PeerSource.Explicit"/>).</summary>
    public IReadOnlyList<IPEndPoint> Peers { get; init; } = [];

    /// <summary>
    /// Trackers to announce to besides the torrent's own (its <c>announce</c>/<c>announce-list</c>, or a magnet's
    /// <c>tr</c>): each is a tier of its own after them (BEP 12). Also used by private torrents.
    /// </summary>
    public IReadOnlyList<Uri> Trackers { get; init; } = [];

    /// <summary>Announce to trackers (the torrent's and <see cref="Trackers"/>); false uses no tracker at all.</summary>
    public bool AnnounceToTrackers { get; init; } = true;

    /// <summary>Verified pieces a peer may send in pieces that then fail their hash check before it is banned.</summary>
    public int MaxHashFailuresPerPeer { get; init; } = 2;

    /// <summary>Where the resume data is kept (default: <c>.&lt;info hash&gt;.resume</c> in <see cref="SaveDirectory"/>).</summary>
    public string? ResumeFilePath { get; init; }

    /// <summary>How often resume data is written while the torrent runs.</summary>
    public TimeSpan ResumeSaveInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often the files are looked at (one stat each) for being deleted or truncated under us. A failed read finds a
    /// truncated file at once; a deleted one still reads through its open handle on Linux, so only this finds it.
    /// </summary>
    public TimeSpan MissingFileCheckInterval { get; init; } = TimeSpan.FromSeconds(30);
}
