using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace BitTorrent.Metainfo;

/// <summary>
/// Hashes the pieces of a list of files on several workers. Each worker takes the next piece index, reads it with
/// positional reads (keeping one file open at a time) into its own buffer and hashes it.
/// </summary>
internal sealed class ParallelPieceHasher(IReadOnlyList<SourceFile> files, long totalLength, int pieceLength, int workers)
{
    private readonly long[] _offsets = Offsets(files);
    private readonly int _pieceCount = (int)((totalLength + pieceLength - 1) / pieceLength);
    private int _nextPiece = -1;
    private int _piecesDone;
    private long _bytesDone;

    public async Task<byte[]> HashAsync(IProgress<TorrentCreateProgress>? progress, CancellationToken cancellationToken)
    {
        var hashes = new byte[_pieceCount * 20];
        int count = Math.Clamp(workers, 1, _pieceCount);
        var tasks = new Task[count];
        for (int i = 0; i < count; i++)
            tasks[i] = Task.Factory.StartNew(() => Work(hashes, progress, cancellationToken), cancellationToken,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return hashes;
    }

    private void Work(byte[] hashes, IProgress<TorrentCreateProgress>? progress, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(pieceLength);
        SafeFileHandle? handle = null;
        int openFile = -1;
        try
        {
            for (int piece = Interlocked.Increment(ref _nextPiece); piece < _pieceCount; piece = Interlocked.Increment(ref _nextPiece))
            {
                cancellationToken.ThrowIfCancellationRequested();
                long start = (long)piece * pieceLength;
                int size = (int)Math.Min(pieceLength, totalLength - start);
                ReadRange(start, buffer.AsSpan(0, size), ref handle, ref openFile);
                SHA1.HashData(buffer.AsSpan(0, size), hashes.AsSpan(piece * 20, 20));
                int done = Interlocked.Increment(ref _piecesDone);
                long bytes = Interlocked.Add(ref _bytesDone, size);
                progress?.Report(new TorrentCreateProgress(done, _pieceCount, bytes));
            }
        }
        finally
        {
            handle?.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void ReadRange(long offset, Span<byte> destination, ref SafeFileHandle? handle, ref int openFile)
    {
        int file = Array.BinarySearch(_offsets, offset);
        if (file < 0) file = ~file - 1;
        while (destination.Length > 0)
        {
            while (offset >= _offsets[file] + files[file].Length) file++;
            long within = offset - _offsets[file];
            int length = (int)Math.Min(destination.Length, files[file].Length - within);
            if (openFile != file)
            {
                handle?.Dispose();
                handle = File.OpenHandle(files[file].FullPath, FileMode.Open, FileAccess.Read, FileShare.Read);
                openFile = file;
            }
            int read = 0;
            while (read < length)
            {
                int n = RandomAccess.Read(handle!, destination.Slice(read, length - read), within + read);
                if (n == 0) throw new IOException($"'{files[file].FullPath}' became shorter while it was being hashed");
                read += n;
            }
            destination = destination[length..];
            offset += length;
        }
    }

    private static long[] Offsets(IReadOnlyList<SourceFile> files)
    {
        var offsets = new long[files.Count];
        long offset = 0;
        for (int i = 0; i < files.Count; i++)
        {
            offsets[i] = offset;
            offset += files[i].Length;
        }
        return offsets;
    }
}
