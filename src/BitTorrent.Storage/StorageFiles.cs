using BitTorrent.Metainfo;
using Microsoft.Win32.SafeHandles;

namespace BitTorrent.Storage;

/// <summary>
/// The open files of one torrent (and its part file, the last slot): full paths checked to stay inside the target
/// directory, handles opened on first use (read-write when possible, read-only on a read-only volume) and kept open.
/// </summary>
internal sealed class StorageFiles : IDisposable
{
    private readonly string _root;
    private readonly string[] _paths;
    private readonly long[] _lengths;
    private readonly SafeFileHandle?[] _handles;
    private readonly SafeFileHandle?[] _uncached;
    private readonly bool[] _uncachedTried;
    private readonly bool[] _writable;
    private readonly bool[] _checked;
    private readonly bool _sparse;
    private readonly Lock _lock = new();

    public StorageFiles(TorrentInfo info, string directory, bool sparse)
    {
        _root = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        int count = info.Files.Count;
        _paths = new string[count + 1];
        _lengths = new long[count + 1];
        for (int i = 0; i < count; i++)
        {
            var full = Path.GetFullPath(Path.Combine(_root, info.Files[i].Path.Replace('/', Path.DirectorySeparatorChar)));
            if (!full.StartsWith(_root, StringComparison.Ordinal))
                throw new StorageException(StorageError.OutsideDirectory, $"'{info.Files[i].Path}' resolves outside '{_root}'", full);
            _paths[i] = full;
            _lengths[i] = info.Files[i].Length;
        }
        PartFile = count;
        _paths[count] = Path.Combine(_root, "." + info.InfoHash + ".parts");
        _lengths[count] = -1;
        _handles = new SafeFileHandle?[count + 1];
        _uncached = new SafeFileHandle?[count + 1];
        _uncachedTried = new bool[count + 1];
        _writable = new bool[count + 1];
        _checked = new bool[count + 1];
        _sparse = sparse;
    }

    /// <summary>The slot of the part file, which holds the bytes of skipped files at their torrent offsets.</summary>
    public int PartFile { get; }

    public string PathOf(int file) => _paths[file];

    /// <summary>The handle of an existing file, or null when it does not exist.</summary>
    public SafeFileHandle? TryOpenExisting(int file)
    {
        var handle = Volatile.Read(ref _handles[file]);
        if (handle is not null) return handle;
        if (!File.Exists(_paths[file])) return null;
        return Open(file, create: false);
    }

    /// <summary>A writable handle, creating the file (and its directories) at its full length when needed.</summary>
    public SafeFileHandle OpenForWrite(int file)
    {
        var handle = Volatile.Read(ref _handles[file]);
        return handle is not null && _writable[file] ? handle : Open(file, create: true);
    }

    /// <summary>
    /// The write-only handle of <paramref name="file"/> that bypasses the page cache (<see cref="UncachedFile"/>), opened
    /// once after the file was opened for writing; null when the system or the file system does not offer one.
    /// </summary>
    public SafeFileHandle? OpenUncached(int file)
    {
        var handle = Volatile.Read(ref _uncached[file]);
        if (handle is not null || Volatile.Read(ref _uncachedTried[file])) return handle;
        lock (_lock)
        {
            if (_uncachedTried[file] || !_writable[file]) return _uncached[file];
            _uncached[file] = UncachedFile.TryOpen(_paths[file]);
            Volatile.Write(ref _uncachedTried[file], true);
            return _uncached[file];
        }
    }

    /// <summary>Stops bypassing the page cache for <paramref name="file"/> (a write through that handle failed).</summary>
    public void DropUncached(int file)
    {
        lock (_lock)
        {
            _uncached[file]?.Dispose();
            _uncached[file] = null;
            _uncachedTried[file] = true;
        }
    }

    /// <summary>Closes the handles of <paramref name="file"/> (after it was found deleted or truncated).</summary>
    public void Close(int file)
    {
        lock (_lock)
        {
            _handles[file]?.Dispose();
            _handles[file] = null;
            _writable[file] = false;
            _uncached[file]?.Dispose();
            _uncached[file] = null;
            _uncachedTried[file] = false;
        }
    }

    /// <summary>Flushes every writable file to the device.</summary>
    public void FlushToDisk()
    {
        for (int i = 0; i < _handles.Length; i++)
        {
            var handle = Volatile.Read(ref _handles[i]);
            if (handle is null || !_writable[i]) continue;
            try
            {
                RandomAccess.FlushToDisk(handle);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw StorageException.From(e, _paths[i], "flush");
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            for (int i = 0; i < _handles.Length; i++)
            {
                _handles[i]?.Dispose();
                _handles[i] = null;
                _uncached[i]?.Dispose();
                _uncached[i] = null;
            }
        }
    }

    private SafeFileHandle Open(int file, bool create)
    {
        lock (_lock)
        {
            if (_handles[file] is { } existing && (_writable[file] || !create)) return existing;
            var path = _paths[file];
            try
            {
                EnsureInsideRoot(file);
                if (create) Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                var handle = OpenHandle(path, create, _lengths[file]);
                bool writable = true;
                if (handle is null)
                {
                    handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    writable = false;
                }
                if (create && _lengths[file] > 0 && RandomAccess.GetLength(handle) < _lengths[file])
                    RandomAccess.SetLength(handle, _lengths[file]);
                _handles[file]?.Dispose();
                _handles[file] = handle;
                _writable[file] = writable;
                return handle;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw StorageException.From(e, path, create ? "open for writing" : "open");
            }
        }
    }

    /// <summary>Opens read-write; for an existing file on a read-only volume (not creating), returns null to fall back to read-only.</summary>
    private SafeFileHandle? OpenHandle(string path, bool create, long length)
    {
        try
        {
            bool preallocate = create && !_sparse && length > 0 && !File.Exists(path);
            var mode = preallocate ? FileMode.CreateNew : create ? FileMode.OpenOrCreate : FileMode.Open;
            return File.OpenHandle(path, mode, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, FileOptions.None,
                preallocate ? length : 0);
        }
        catch (Exception e) when (!create && StorageException.From(e, path, "open").Error == StorageError.AccessDenied)
        {
            return null;
        }
        catch (IOException e) when (create && !_sparse && length > 0 && FreeSpace(path) < length)
        {
            // .NET reports a failed preallocation with a generic HResult; the free space says why.
            throw new StorageException(StorageError.DiskFull, $"cannot preallocate {length} bytes for '{path}': {e.Message}", path, e);
        }
    }

    private static long FreeSpace(string path)
    {
        try
        {
            return new DriveInfo(Path.GetDirectoryName(path)!).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return long.MaxValue;
        }
    }

    /// <summary>Refuses a path whose directories (below the root) or the file itself are symbolic links.</summary>
    private void EnsureInsideRoot(int file)
    {
        if (_checked[file]) return;
        var path = _paths[file];
        for (var current = path; current.Length > _root.Length; current = Path.GetDirectoryName(current)!)
        {
            FileSystemInfo entry = current == path ? new FileInfo(current) : new DirectoryInfo(current);
            if (entry.Exists && entry.LinkTarget is not null)
                throw new StorageException(StorageError.OutsideDirectory, $"'{current}' is a symbolic link; files stay inside '{_root}'", path);
        }
        _checked[file] = true;
    }
}
