namespace BitTorrent.Metainfo;

/// <summary>
/// One file of a torrent: its validated relative <paramref name="Path"/> ('/'-separated, the torrent name first in a
/// multi-file torrent), its <paramref name="Offset"/> in the torrent's byte stream and its <paramref name="Length"/>.
/// Pad files (BEP 47) take space in the stream but are never written to disk.
/// </summary>
/// <param name="Path">The relative path, components separated by '/'; every component passed <see cref="PathValidator"/>.</param>
/// <param name="Offset">Where the file starts in the concatenation of all files.</param>
/// <param name="Length">The file's length in bytes (zero or more).</param>
/// <param name="IsPadding">True for a BEP 47 pad file (attribute <c>p</c>): zeros that are not stored.</param>
public sealed record TorrentFile(string Path, long Offset, long Length, bool IsPadding)
{
    /// <summary>The path's components.</summary>
    public IReadOnlyList<string> Components => Path.Split('/');

    /// <summary>The offset just past the file's last byte.</summary>
    public long End => Offset + Length;
}
