using System.Buffers;
using BitTorrent.Wire;

namespace BitTorrent.Storage;

public sealed partial class TorrentStorage
{
    /// <summary>
    /// Re-checks every piece: <see cref="StorageOptions.CheckParallelism"/> workers, each on its own thread, take the
    /// next piece, read it with synchronous positional reads into their own buffer and hash it, so all cores hash while memory stays at one piece per
    /// worker. Missing or short files make their pieces invalid; they are not errors.
    /// </summary>
    /// <returns>The pieces whose data is present and matches its SHA-1.</returns>
    /// <exception cref="StorageException">A failure other than missing or truncated data (for example access denied).</exception>
    public async ValueTask<BitField> CheckAsync(IProgress<CheckProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var valid = new bool[Info.PieceCount];
        var absent = PiecesOfAbsentFiles();
        var counters = new CheckCounters();
        int workers = Math.Clamp(_options.CheckParallelism, 1, Info.PieceCount);
        var tasks = new Task[workers];
        for (int i = 0; i < workers; i++)
            tasks[i] = Task.Factory.StartNew(() => CheckWorker(valid, absent, counters, progress, cancellationToken), cancellationToken,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await Task.WhenAll(tasks).ConfigureAwait(false);
        var result = new BitField(Info.PieceCount, Info.PieceCount);
        for (int piece = 0; piece < valid.Length; piece++)
            if (valid[piece]) result.Set(piece);
        return result;
    }

    /// <summary>
    /// Looks for data that went away under a running torrent: a file deleted or shorter than the torrent says (or the
    /// part file gone). Their handles are closed, so reads of them fail from now on, and their pieces are returned;
    /// the engine clears them from its have-set and announces them lost (lt_donthave). Cheap: one stat per file.
    /// </summary>
    public BitField FindLostPieces()
    {
        var lost = new BitField(Info.PieceCount, Info.PieceCount);
        foreach (int file in FilesWithoutData(orShort: true))
        {
            _files.Close(file);
            var (first, count) = Info.GetPieceRange(file);
            for (int piece = first; piece < first + count; piece++) lost.Set(piece);
        }
        return lost;
    }

    /// <summary>
    /// The pieces that need a file which does not exist (nor, for a skipped file, the part file), so the check of a new
    /// download reads nothing and does not fail a read per piece.
    /// </summary>
    private bool[] PiecesOfAbsentFiles()
    {
        var absent = new bool[Info.PieceCount];
        foreach (int file in FilesWithoutData(orShort: false))
        {
            var (first, count) = Info.GetPieceRange(file);
            Array.Fill(absent, true, first, count);
        }
        return absent;
    }

    /// <summary>
    /// The files (pad and empty files aside) whose data is not there: neither the file nor, for a skipped file, the part
    /// file exists; with <paramref name="orShort"/> also a file shorter than the torrent says. One stat per file.
    /// </summary>
    private List<int> FilesWithoutData(bool orShort)
    {
        var files = new List<int>();
        bool partFileExists = File.Exists(PartFilePath);
        for (int file = 0; file < Info.Files.Count; file++)
        {
            var entry = Info.Files[file];
            if (entry.IsPadding || entry.Length == 0) continue;
            var state = new FileInfo(_files.PathOf(file));
            bool present = state.Exists
                ? !orShort || state.Length >= entry.Length
                : GetFilePriority(file) == FilePriority.Skip && partFileExists;
            if (!present) files.Add(file);
        }
        return files;
    }

    /// <summary>One check worker on its own thread: synchronous positional reads (no thread-pool hop per read), then SHA-1.</summary>
    private void CheckWorker(bool[] valid, bool[] absent, CheckCounters counters, IProgress<CheckProgress>? progress, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Info.PieceLength);
        try
        {
            for (int piece = counters.NextPiece(); piece < Info.PieceCount; piece = counters.NextPiece())
            {
                cancellationToken.ThrowIfCancellationRequested();
                int size = Info.GetPieceSize(piece);
                var data = buffer.AsSpan(0, size);
                bool ok = !absent[piece] && TryReadPiece(piece, data) && PieceHash.Verify(data, Info.GetPieceHash(piece));
                valid[piece] = ok;
                var (done, good, bytes) = counters.Complete(ok, absent[piece] ? 0 : size);
                progress?.Report(new CheckProgress(done, Info.PieceCount, good, bytes));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads a whole piece on this thread; false when a file it needs is missing or short.</summary>
    private bool TryReadPiece(int piece, Span<byte> destination)
    {
        try
        {
            ReadRange((long)piece * Info.PieceLength, destination);
            return true;
        }
        catch (StorageException e) when (e.Error is StorageError.FileMissing or StorageError.FileTruncated)
        {
            return false;
        }
    }

    /// <summary>The shared state of the check workers: the next piece to take and the totals so far.</summary>
    private sealed class CheckCounters
    {
        private int _next = -1;
        private int _done;
        private int _good;
        private long _bytes;

        public int NextPiece() => Interlocked.Increment(ref _next);

        public (int Done, int Good, long Bytes) Complete(bool ok, int size)
        {
            int good = ok ? Interlocked.Increment(ref _good) : Volatile.Read(ref _good);
            long bytes = Interlocked.Add(ref _bytes, size);
            return (Interlocked.Increment(ref _done), good, bytes);
        }
    }
}
