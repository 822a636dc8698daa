namespace BitTorrent.Storage;

/// <summary>Why a storage operation failed.</summary>
public enum StorageError
{
    /// <summary>No space left on the device (or the user's quota is exhausted).</summary>
    DiskFull,
    /// <summary>Permission denied, or the file system is read-only.</summary>
    AccessDenied,
    /// <summary>A file the piece needs does not exist (never written, or deleted).</summary>
    FileMissing,
    /// <summary>A file is shorter than the torrent says (truncated, or deleted and recreated).</summary>
    FileTruncated,
    /// <summary>A file's path would leave the target directory (through a symbolic link).</summary>
    OutsideDirectory,
    /// <summary>Any other I/O failure.</summary>
    Io,
    /// <summary>A resume file is damaged, too large, or belongs to another torrent.</summary>
    InvalidResumeData,
}
