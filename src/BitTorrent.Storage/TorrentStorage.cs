using System.Buffers;
using System.Runtime.InteropServices;
using BitTorrent.Metainfo;
using Microsoft.Win32.SafeHandles;

namespace BitTorrent.Storage;

/// <summary>
/// The pieces of one torrent on disk. A piece maps to regions of one or more files (in torrent order); each region is
/// read or written with positional I/O (<see cref="RandomAccess"/>), so concurrent calls on different pieces are safe.
/// Pad files (BEP 47) are never written and read as zeros. Files are created sparse at their full length on their
/// first write (an empty file with the piece it sits in). Files with priority <see cref="FilePriority.Skip"/> are not created: the bytes of a piece that fall in
/// a skipped file (a piece shared with a wanted neighbour) go to a sparse part file, <c>.&lt;info hash&gt;.parts</c> in
/// the target directory, at their torrent offset, and move into the real file when it becomes wanted. Every failure
/// is a <see cref="StorageException"/> with a typed reason. Reads run on the calling thread: a block served to a peer is
/// usually in the page cache, and an asynchronous file read on Linux is only that same read on a thread-pool thread, so
/// the hop (once per 16 KiB block) cost more than the read. Writes of whole pieces go through
/// <see cref="RandomAccess.WriteAsync(SafeFileHandle, ReadOnlyMemory{byte}, long, CancellationToken)"/>, through the page
/// cache or, for a piece nobody will read back soon, past it (<see cref="PageCache.Bypass"/>).
/// </summary>
public sealed partial class TorrentStorage : IAsyncDisposable
{
    private const int CopyChunk = 1 << 20;
    private readonly StorageFiles _files;
    private readonly int[] _priorities; // FilePriority values, read and swapped atomically
    private readonly StorageOptions _options;
    private readonly Dictionary<int, int[]> _emptyFiles;
    private long _uncachedBytes;

    /// <summary>Prepares storage for <paramref name="info"/> under <paramref name="directory"/>; nothing is created until a write.</summary>
    /// <exception cref="ArgumentException">The priorities do not match the number of files.</exception>
    public TorrentStorage(TorrentInfo info, string directory, StorageOptions? options = null)
    {
        Info = info ?? throw new ArgumentNullException(nameof(info));
        _options = options ?? new StorageOptions();
        Directory = Path.GetFullPath(directory);
        _files = new StorageFiles(info, Directory, _options.Sparse);
        _emptyFiles = MapEmptyFiles(info);
        _priorities = _options.FilePriorities is { } given
            ? given.Count == info.Files.Count ? given.Select(p => (int)p).ToArray() : throw new ArgumentException($"{given.Count} priorities for {info.Files.Count} files", nameof(options))
            : Enumerable.Repeat((int)FilePriority.Normal, info.Files.Count).ToArray();
    }

    /// <summary>The torrent whose pieces this stores.</summary>
    public TorrentInfo Info { get; }

    /// <summary>The target directory (absolute); file paths are relative to it.</summary>
    public string Directory { get; }

    /// <summary>Bytes written past the page cache so far (<see cref="PageCache.Bypass"/>).</summary>
    internal long UncachedBytesWritten => Interlocked.Read(ref _uncachedBytes);

    /// <summary>The part file that holds the bytes of skipped files which share a piece with wanted ones.</summary>
    public string PartFilePath => _files.PathOf(_files.PartFile);

    /// <summary>The absolute path of file <paramref name="file"/>.</summary>
    public string GetFilePath(int file) => _files.PathOf(file);

    /// <summary>The priority of file <paramref name="file"/>.</summary>
    public FilePriority GetFilePriority(int file) => (FilePriority)Volatile.Read(ref _priorities[file]);

    /// <summary>
    /// Changes the priority of file <paramref name="file"/>. When a skipped file becomes wanted, the bytes it has in
    /// the part file are copied into the (newly created) file first. Do not write pieces of that file meanwhile.
    /// </summary>
    public async ValueTask SetFilePriorityAsync(int file, FilePriority priority, CancellationToken cancellationToken = default)
    {
        var previous = (FilePriority)Interlocked.Exchange(ref _priorities[file], (int)priority);
        if (previous != FilePriority.Skip || priority == FilePriority.Skip) return;
        var entry = Info.Files[file];
        if (entry.IsPadding || entry.Length == 0 || _files.TryOpenExisting(file) is not null) return;
        if (_files.TryOpenExisting(_files.PartFile) is not { } part) return;
        long end = Math.Min(entry.End, RandomAccess.GetLength(part));
        var buffer = ArrayPool<byte>.Shared.Rent(CopyChunk);
        try
        {
            var target = _files.OpenForWrite(file);
            for (long offset = entry.Offset; offset < end; offset += CopyChunk)
            {
                var chunk = buffer.AsMemory(0, (int)Math.Min(CopyChunk, end - offset));
                int read = ReadSlot(part, _files.PartFile, chunk.Span, offset);
                if (chunk.Span[..read].ContainsAnyExcept((byte)0))
                    await WriteSlotAsync(target, file, chunk[..read], offset - entry.Offset, PageCache.Use, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes a whole, already verified piece across the files it spans (pad-file regions are not written).</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> is not the size of the piece.</exception>
    /// <exception cref="StorageException">The write failed (disk full, access denied, I/O error, path outside the directory).</exception>
    public ValueTask WritePieceAsync(int piece, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        WritePieceAsync(piece, data, PageCache.Use, cancellationToken);

    /// <summary>
    /// Writes a whole, already verified piece across the files it spans (pad-file regions are not written), through the
    /// page cache or past it (<paramref name="cache"/>; see <see cref="PageCache.Bypass"/> for what it takes).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> is not the size of the piece.</exception>
    /// <exception cref="StorageException">The write failed (disk full, access denied, I/O error, path outside the directory).</exception>
    public ValueTask WritePieceAsync(int piece, ReadOnlyMemory<byte> data, PageCache cache, CancellationToken cancellationToken = default)
    {
        int size = Info.GetPieceSize(piece);
        if (data.Length != size) throw new ArgumentException($"piece {piece} is {size} bytes, got {data.Length}", nameof(data));
        return WritePieceCoreAsync(piece, data, cache, cancellationToken);
    }

    /// <summary>
    /// Reads <paramref name="destination"/>.Length bytes of piece <paramref name="piece"/> from <paramref name="begin"/>
    /// (to serve a block), on the calling thread: the returned task has completed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the piece.</exception>
    /// <exception cref="StorageException">
    /// <see cref="StorageError.FileMissing"/> or <see cref="StorageError.FileTruncated"/> when the data is gone (the
    /// piece is lost), or another reason.
    /// </exception>
    public ValueTask ReadAsync(int piece, int begin, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        int size = Info.GetPieceSize(piece);
        if (begin < 0 || begin > size || destination.Length > size - begin)
            throw new ArgumentOutOfRangeException(nameof(begin), $"{destination.Length} bytes at {begin} are outside piece {piece} of {size} bytes");
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled(cancellationToken);
        try
        {
            ReadRange((long)piece * Info.PieceLength + begin, destination.Span);
            return ValueTask.CompletedTask;
        }
        catch (StorageException e)
        {
            return ValueTask.FromException(e);
        }
    }

    /// <summary>Reads piece <paramref name="piece"/> back and checks its SHA-1; false when it is wrong, missing or truncated.</summary>
    /// <exception cref="StorageException">A failure other than missing or truncated data (for example access denied).</exception>
    public async ValueTask<bool> VerifyPieceAsync(int piece, CancellationToken cancellationToken = default)
    {
        int size = Info.GetPieceSize(piece);
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            return await Task.Run(() => TryReadAndVerify(piece, buffer.AsSpan(0, size)), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Flushes written data to the device (called before resume data is saved).</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken = default) =>
        new(Task.Run(_files.FlushToDisk, cancellationToken));

    /// <summary>Closes every file.</summary>
    public ValueTask DisposeAsync()
    {
        _files.Dispose();
        return ValueTask.CompletedTask;
    }

    private bool TryReadAndVerify(int piece, Span<byte> buffer) =>
        TryReadPiece(piece, buffer) && PieceHash.Verify(buffer, Info.GetPieceHash(piece));

    private async ValueTask WritePieceCoreAsync(int piece, ReadOnlyMemory<byte> data, PageCache cache, CancellationToken cancellationToken)
    {
        await WriteRangeAsync((long)piece * Info.PieceLength, data, cache, cancellationToken).ConfigureAwait(false);
        foreach (int file in _emptyFiles.GetValueOrDefault(piece, []))
            if (GetFilePriority(file) != FilePriority.Skip) _files.OpenForWrite(file);
    }

    /// <summary>Empty files by the piece they sit in (the piece holding their offset, or the last piece): created with it.</summary>
    private static Dictionary<int, int[]> MapEmptyFiles(TorrentInfo info) => Enumerable.Range(0, info.Files.Count)
        .Where(i => info.Files[i].Length == 0 && !info.Files[i].IsPadding)
        .GroupBy(i => (int)Math.Min(info.Files[i].Offset / info.PieceLength, info.PieceCount - 1))
        .ToDictionary(g => g.Key, g => g.ToArray());

    private async ValueTask WriteRangeAsync(long offset, ReadOnlyMemory<byte> data, PageCache cache, CancellationToken cancellationToken)
    {
        for (int file = Info.FindFile(offset); data.Length > 0; file++)
        {
            var entry = Info.Files[file];
            if (offset >= entry.End) continue;
            int length = (int)Math.Min(data.Length, entry.End - offset);
            if (!entry.IsPadding)
            {
                if (GetFilePriority(file) == FilePriority.Skip && _files.TryOpenExisting(file) is null)
                    await WriteSlotAsync(_files.OpenForWrite(_files.PartFile), _files.PartFile, data[..length], offset, cache, cancellationToken).ConfigureAwait(false);
                else
                    await WriteSlotAsync(_files.OpenForWrite(file), file, data[..length], offset - entry.Offset, cache, cancellationToken).ConfigureAwait(false);
            }
            data = data[length..];
            offset += length;
        }
    }

    private void ReadRange(long offset, Span<byte> destination)
    {
        if (destination.Length == 0) return;
        for (int file = Info.FindFile(offset); destination.Length > 0; file++)
        {
            var entry = Info.Files[file];
            if (offset >= entry.End) continue;
            int length = (int)Math.Min(destination.Length, entry.End - offset);
            var (handle, slot, position) = ResolveRead(file, offset);
            if (handle is null) destination[..length].Clear();
            else ReadExact(handle, slot, destination[..length], position);
            destination = destination[length..];
            offset += length;
        }
    }

    /// <summary>Where the bytes of <paramref name="file"/> at torrent offset <paramref name="offset"/> are: no handle for a pad file (zeros).</summary>
    /// <exception cref="StorageException"><see cref="StorageError.FileMissing"/>: neither the file nor (for a skipped file) the part file exists.</exception>
    private (SafeFileHandle? Handle, int Slot, long Position) ResolveRead(int file, long offset)
    {
        var entry = Info.Files[file];
        if (entry.IsPadding) return (null, file, 0);
        if (_files.TryOpenExisting(file) is { } handle) return (handle, file, offset - entry.Offset);
        if (GetFilePriority(file) == FilePriority.Skip && _files.TryOpenExisting(_files.PartFile) is { } partFile)
            return (partFile, _files.PartFile, offset);
        throw new StorageException(StorageError.FileMissing, $"'{_files.PathOf(file)}' does not exist", _files.PathOf(file));
    }

    private void ReadExact(SafeFileHandle handle, int slot, Span<byte> destination, long position)
    {
        while (destination.Length > 0)
        {
            int read = ReadSlot(handle, slot, destination, position);
            if (read == 0)
                throw new StorageException(StorageError.FileTruncated, $"'{_files.PathOf(slot)}' ends before byte {position + destination.Length}", _files.PathOf(slot));
            destination = destination[read..];
            position += read;
        }
    }

    private int ReadSlot(SafeFileHandle handle, int slot, Span<byte> destination, long position)
    {
        try
        {
            return RandomAccess.Read(handle, destination, position);
        }
        catch (ObjectDisposedException e)
        {
            throw new StorageException(StorageError.FileMissing, $"'{_files.PathOf(slot)}' was closed", _files.PathOf(slot), e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw StorageException.From(e, _files.PathOf(slot), "read");
        }
    }

    /// <summary>
    /// Writes a region of one file (or the part file): for <see cref="PageCache.Bypass"/>, its whole aligned pages past
    /// the page cache when the memory lines up with the file offset, the rest cached.
    /// A failed uncached write is retried through the cache, which then serves that file for good (and reports a real
    /// failure such as a full disk the usual way).
    /// </summary>
    private async ValueTask WriteSlotAsync(SafeFileHandle handle, int slot, ReadOnlyMemory<byte> data, long position, PageCache cache,
        CancellationToken cancellationToken)
    {
        if (cache == PageCache.Bypass && data.Length >= UncachedFile.Alignment && MemoryMarshal.TryGetArray(data, out var segment)
            && _files.OpenUncached(slot) is { } uncached)
        {
            var (head, middle) = UncachedFile.Split(Marshal.UnsafeAddrOfPinnedArrayElement(segment.Array!, segment.Offset), position, data.Length);
            if (middle > 0)
            {
                try
                {
                    await RandomAccess.WriteAsync(uncached, data.Slice(head, middle), position + head, cancellationToken).ConfigureAwait(false);
                    Interlocked.Add(ref _uncachedBytes, middle);
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException)
                {
                    _files.DropUncached(slot);
                    await WriteCachedAsync(handle, slot, data.Slice(head, middle), position + head, cancellationToken).ConfigureAwait(false);
                }
                if (head > 0) await WriteCachedAsync(handle, slot, data[..head], position, cancellationToken).ConfigureAwait(false);
                if (head + middle < data.Length)
                    await WriteCachedAsync(handle, slot, data[(head + middle)..], position + head + middle, cancellationToken).ConfigureAwait(false);
                return;
            }
        }
        await WriteCachedAsync(handle, slot, data, position, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask WriteCachedAsync(SafeFileHandle handle, int slot, ReadOnlyMemory<byte> data, long position, CancellationToken cancellationToken)
    {
        try
        {
            await RandomAccess.WriteAsync(handle, data, position, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException e)
        {
            throw new StorageException(StorageError.FileMissing, $"'{_files.PathOf(slot)}' was closed", _files.PathOf(slot), e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw StorageException.From(e, _files.PathOf(slot), "write");
        }
    }
}
