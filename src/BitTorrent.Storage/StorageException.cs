namespace BitTorrent.Storage;

/// <summary>A storage operation failed; <see cref="Error"/> says why and <see cref="Path"/> names the file involved.</summary>
public sealed class StorageException : IOException
{
    /// <summary>Creates an exception for <paramref name="error"/> on <paramref name="path"/>.</summary>
    public StorageException(StorageError error, string message, string? path = null, Exception? innerException = null)
        : base($"storage: {message}", innerException)
    {
        Error = error;
        Path = path;
    }

    /// <summary>Why the operation failed.</summary>
    public StorageError Error { get; }

    /// <summary>The file involved, when there is one.</summary>
    public string? Path { get; }

    /// <summary>Maps a file system exception to a typed one (disk full, access denied, missing, other I/O).</summary>
    internal static StorageException From(Exception exception, string path, string operation)
    {
        if (exception is StorageException storage) return storage;
        var error = exception switch
        {
            UnauthorizedAccessException => StorageError.AccessDenied,
            FileNotFoundException or DirectoryNotFoundException => StorageError.FileMissing,
            IOException io when IsDiskFull(io.HResult) => StorageError.DiskFull,
            IOException io when IsReadOnly(io.HResult) => StorageError.AccessDenied,
            _ => StorageError.Io,
        };
        return new StorageException(error, $"{operation} '{path}': {exception.Message}", path, exception);
    }

    // Unix: .NET reports the raw errno as HResult (ENOSPC 28, EDQUOT 122 on Linux, 69 on macOS; EROFS 30).
    // Windows: ERROR_HANDLE_DISK_FULL 39 and ERROR_DISK_FULL 112 as HRESULTs 0x8007xxxx.
    private static bool IsDiskFull(int hresult) => OperatingSystem.IsWindows()
        ? (hresult & 0xFFFF) is 39 or 112
        : hresult is 28 || hresult == (OperatingSystem.IsMacOS() ? 69 : 122);

    private static bool IsReadOnly(int hresult) => !OperatingSystem.IsWindows() && hresult == 30;
}
