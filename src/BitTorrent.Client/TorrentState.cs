namespace BitTorrent.Client;

/// <summary>The life-cycle state of one torrent in a client engine.</summary>
public enum TorrentState
{
    /// <summary>Existing data (or the resume file) is being checked before any peer is served.</summary>
    CheckingFiles,

    /// <summary>Only the info hash is known; the info dictionary is being fetched from peers (BEP 9).</summary>
    FetchingMetadata,

    /// <summary>Pieces are being downloaded (and the verified ones uploaded to other peers).</summary>
    Downloading,

    /// <summary>Every selected piece is verified; the torrent only uploads.</summary>
    Seeding,

    /// <summary>The torrent was stopped by the user (or completed without seeding).</summary>
    Stopped,

    /// <summary>The torrent failed (a disk error, for example); see the session's error message.</summary>
    Error,
}
