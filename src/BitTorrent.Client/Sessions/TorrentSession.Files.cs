using BitTorrent.Metainfo;
using BitTorrent.Storage;

namespace BitTorrent.Client;

public sealed partial class TorrentSession
{
    /// <summary>
    /// Changes the files' priorities while the torrent runs (libtorrent's <c>prioritize_files</c>): one per file, in the
    /// torrent's file order, replacing <see cref="TorrentOptions.FilePriorities"/> and <see cref="TorrentOptions.SelectedFiles"/>.
    /// A skipped file that becomes wanted is created first, with the bytes of its boundary pieces that were kept in the
    /// part file; a torrent that had finished and now wants more goes back to <see cref="TorrentState.Downloading"/> and
    /// raises <see cref="TorrentCompletedAlert"/> again when done (<see cref="WaitForCompletionAsync"/> stays completed).
    /// Completes once the picker follows the new priorities.
    /// </summary>
    /// <exception cref="ArgumentException">Not one valid priority per file.</exception>
    /// <exception cref="InvalidOperationException">
    /// The files are not known or not checked yet (a magnet link before its metadata, a check running), or the torrent
    /// failed.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The torrent was stopped.</exception>
    public async Task SetFilePrioritiesAsync(IReadOnlyList<FilePriority> priorities, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(priorities);
        var (storage, files) = await _loop.InvokeAsync(() =>
        {
            if (_state is TorrentState.Stopped or TorrentState.Error) throw new InvalidOperationException($"the torrent is {_state}");
            if (_info is not { } info || _picker is null || _storage is not { } current)
                throw new InvalidOperationException("the torrent's files are not known or not checked yet");
            var wanted = FileSelection.FilePriorities(info, Options with { FilePriorities = priorities, SelectedFiles = null })!;
            Interlocked.Increment(ref _diskJobs); // stopping waits for the files' priorities, as for a piece write
            return (current, wanted);
        }).ConfigureAwait(false);
        try
        {
            // A file that stops being skipped is created and filled from the part file: no piece write meanwhile.
            await InWriteTurnAsync(async () =>
            {
                for (int f = 0; f < files.Length; f++)
                    await storage.SetFilePriorityAsync(f, files[f], cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            DiskJobDone();
        }
        await _loop.InvokeAsync(() => ApplyFilePriorities(files)).ConfigureAwait(false);
    }

    /// <summary>Bytes of the pieces the picker wants, and of those among them we have verified.</summary>
    private (long Wanted, long Verified) CountWanted(PiecePicker picker, TorrentInfo info)
    {
        long wanted = 0, verified = 0;
        for (int p = 0; p < info.PieceCount; p++)
        {
            if (picker.GetPiecePriority(p) == 0) continue;
            wanted += info.GetPieceSize(p);
            if (_have[p]) verified += info.GetPieceSize(p);
        }
        return (wanted, verified);
    }

    /// <summary>On the loop: the picker, the wanted bytes and the state follow new file priorities.</summary>
    private bool ApplyFilePriorities(FilePriority[] files)
    {
        if (_picker is not { } picker || _info is not { } info || _state is TorrentState.Stopped or TorrentState.Error) return false;
        picker.SetPiecePriorities(FileSelection.PiecePriorities(info, files));
        var (wanted, verified) = CountWanted(picker, info);
        Interlocked.Exchange(ref _wantedBytes, wanted);
        Interlocked.Exchange(ref _bytesVerified, verified);
        Volatile.Write(ref _progress, wanted == 0 ? 1 : (double)verified / wanted);
        if (_state == TorrentState.Downloading && picker.IsFinished) OnDownloadFinished(downloadedNow: true);
        else if (_state == TorrentState.Seeding && !picker.IsFinished)
        {
            SetState(TorrentState.Downloading);
            _candidates.EndPauses();
            ConnectMore();
        }
        foreach (var peer in _peers) UpdateInterest(peer);
        return true;
    }
}
