using BitTorrent.Extensions;
using BitTorrent.Metainfo;

namespace BitTorrent.Cli.Commands;

/// <summary>
/// What a user may name a torrent by: a .torrent file, a magnet link, or a bare info hash (40 hex digits).
/// Exactly one of <see cref="Torrent"/> and <see cref="Magnet"/> is set.
/// </summary>
internal sealed record TorrentInput(Torrent? Torrent, MagnetLink? Magnet)
{
    /// <summary>The info hash either way.</summary>
    public InfoHash InfoHash => Torrent?.Info.InfoHash ?? Magnet!.InfoHash;

    /// <summary>Reads <paramref name="text"/>; throws <see cref="MetainfoException"/>, <see cref="MagnetLinkFormatException"/> or an I/O exception.</summary>
    public static TorrentInput Read(string text)
    {
        if (text.StartsWith("magnet:", StringComparison.OrdinalIgnoreCase)) return new(null, MagnetLink.Parse(text));
        if (text.Length == 40 && InfoHash.TryParse(text, out var hash) && !File.Exists(text)) return new(null, new MagnetLink(hash));
        return new(Torrent.Load(text), null);
    }

    /// <summary>Maps the exceptions of <see cref="Read"/> (and of storage) to a message and an exit code; null for others.</summary>
    public static (string Message, int Code)? Classify(Exception exception) => exception switch
    {
        MetainfoException m => ($"the torrent is not valid: {m.Message}", ExitCodes.BadInput),
        MagnetLinkFormatException m => ($"the magnet link is not valid: {m.Message}", ExitCodes.BadInput),
        FileNotFoundException f => ($"no such file: {f.FileName ?? f.Message}", ExitCodes.BadInput),
        DirectoryNotFoundException d => ($"no such directory: {d.Message}", ExitCodes.BadInput),
        UnauthorizedAccessException u => ($"permission denied: {u.Message}", ExitCodes.IoError),
        Storage.StorageException s => (s.Message, ExitCodes.IoError),
        IOException io => ($"I/O error: {io.Message}", ExitCodes.IoError),
        _ => null,
    };
}
