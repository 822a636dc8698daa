using BitTorrent.Wire;

namespace BitTorrent.Storage;

/// <summary>What <see cref="TorrentStorage.RestoreAsync"/> found.</summary>
/// <param name="Pieces">The pieces known good.</param>
/// <param name="Rechecked">True when the data was re-checked instead of trusting the resume file.</param>
/// <param name="Reason">Why the resume file was used or not (for logs).</param>
public sealed record ResumeResult(BitField Pieces, bool Rechecked, string Reason);

public sealed partial class TorrentStorage
{
    /// <summary>The resume data for <paramref name="verifiedPieces"/> with the files' current sizes and write times.</summary>
    public ResumeData CaptureResumeData(BitField verifiedPieces)
    {
        var pieces = new BitField(Info.PieceCount, Info.PieceCount);
        for (int piece = 0; piece < Info.PieceCount; piece++)
            if (verifiedPieces.Get(piece)) pieces.Set(piece);
        var files = new ResumeFileState[Info.Files.Count + 1];
        for (int i = 0; i < files.Length; i++) files[i] = ResumeFileState.Of(_files.PathOf(i));
        return new ResumeData(Info.InfoHash, pieces, files);
    }

    /// <summary>
    /// Flushes the files to the device, then writes resume data for <paramref name="verifiedPieces"/> to
    /// <paramref name="path"/> atomically (a temporary file, flushed, then renamed over the old one): a crash leaves
    /// either the old file or the new one.
    /// </summary>
    /// <exception cref="StorageException">The flush or the write failed.</exception>
    public async ValueTask SaveResumeDataAsync(string path, BitField verifiedPieces, CancellationToken cancellationToken = default)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        var bytes = CaptureResumeData(verifiedPieces).Encode();
        var temporary = path + ".tmp";
        try
        {
            using (var handle = File.OpenHandle(temporary, FileMode.Create, FileAccess.Write))
            {
                await RandomAccess.WriteAsync(handle, bytes, 0, cancellationToken).ConfigureAwait(false);
                RandomAccess.FlushToDisk(handle);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw StorageException.From(e, path, "write resume data");
        }
    }

    /// <summary>
    /// Finds the good pieces on start: from the resume file at <paramref name="resumePath"/> when it is valid, is for
    /// this torrent and every file still has the size and write time it records; otherwise by a full
    /// <see cref="CheckAsync"/>. A damaged resume file is never an error, only a reason to re-check.
    /// </summary>
    /// <exception cref="StorageException">The re-check failed (for example access denied).</exception>
    public async ValueTask<ResumeResult> RestoreAsync(string? resumePath, IProgress<CheckProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        string reason;
        if (resumePath is null || !File.Exists(resumePath)) reason = "no resume file";
        else
        {
            try
            {
                var saved = ResumeData.Load(resumePath, Info, _options.MaxResumeFileSize);
                reason = FindChangedFile(saved) ?? "";
                if (reason.Length == 0) return new ResumeResult(saved.Pieces, Rechecked: false, "resume file matches the files");
            }
            catch (StorageException e)
            {
                reason = e.Message;
            }
        }
        var pieces = await CheckAsync(progress, cancellationToken).ConfigureAwait(false);
        return new ResumeResult(pieces, Rechecked: true, reason);
    }

    private string? FindChangedFile(ResumeData saved)
    {
        for (int i = 0; i < saved.Files.Count; i++)
        {
            var now = ResumeFileState.Of(_files.PathOf(i));
            if (now != saved.Files[i]) return $"'{_files.PathOf(i)}' changed since the resume file was written";
        }
        return null;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The temporary file stays; the next save overwrites it.
        }
    }
}
