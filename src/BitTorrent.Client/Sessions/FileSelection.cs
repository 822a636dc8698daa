using BitTorrent.Metainfo;
using BitTorrent.Storage;

namespace BitTorrent.Client;

/// <summary>
/// What a torrent's options want of its files: each file's priority from <see cref="TorrentOptions.FilePriorities"/>
/// and <see cref="TorrentOptions.SelectedFiles"/>, and the piece priorities the picker follows.
/// </summary>
internal static class FileSelection
{
    /// <summary>
    /// Each file's priority: <see cref="FilePriority.Skip"/> for a file left out of <see cref="TorrentOptions.SelectedFiles"/>,
    /// else its entry in <see cref="TorrentOptions.FilePriorities"/>, else <see cref="FilePriority.Normal"/>. Null when the
    /// options choose nothing (every file at the default).
    /// </summary>
    /// <exception cref="ArgumentException"><see cref="TorrentOptions.FilePriorities"/> does not have one valid entry per file.</exception>
    public static FilePriority[]? FilePriorities(TorrentInfo info, TorrentOptions options)
    {
        if (options.FilePriorities is null && options.SelectedFiles is null) return null;
        if (options.FilePriorities is { } given)
        {
            if (given.Count != info.Files.Count)
                throw new ArgumentException($"TorrentOptions.FilePriorities has {given.Count} entries; the torrent has {info.Files.Count} files");
            foreach (var priority in given)
                if (!Enum.IsDefined(priority)) throw new ArgumentException($"TorrentOptions.FilePriorities: {priority} is not a file priority");
        }
        var priorities = new FilePriority[info.Files.Count];
        for (int f = 0; f < priorities.Length; f++)
            priorities[f] = options.SelectedFiles is { } selected && !selected.Contains(f) ? FilePriority.Skip
                : options.FilePriorities?[f] ?? FilePriority.Normal;
        return priorities;
    }

    /// <summary>
    /// The picker's priority of every piece: the highest of the files it overlaps (Low 1, Normal the picker's default,
    /// High its maximum; pad files count as skipped, so they never pull a piece in on their own).
    /// </summary>
    public static byte[] PiecePriorities(TorrentInfo info, FilePriority[] files)
    {
        var lengths = new long[files.Length];
        var levels = new byte[files.Length];
        for (int f = 0; f < files.Length; f++)
        {
            lengths[f] = info.Files[f].Length;
            levels[f] = info.Files[f].IsPadding ? (byte)0 : files[f] switch
            {
                FilePriority.Low => (byte)1,
                FilePriority.Normal => PiecePicker.DefaultPriority,
                FilePriority.High => PiecePicker.MaxPriority,
                _ => (byte)0,
            };
        }
        return Client.PiecePriorities.FromFiles(lengths, levels, info.PieceLength);
    }
}
