using System.Buffers;
using System.Text;
using BitTorrent.Bencode;

namespace BitTorrent.Metainfo;

/// <summary>
/// A parsed .torrent file: the validated <see cref="Info"/> dictionary plus trackers (BEP 3 <c>announce</c>, BEP 12
/// <c>announce-list</c>), web seeds (BEP 19 <c>url-list</c>) and the descriptive fields.
/// </summary>
public sealed class Torrent
{
    /// <summary>Creates a torrent from its parts (what <see cref="TorrentCreator"/> and <see cref="Parse"/> build).</summary>
    public Torrent(TorrentInfo info, IReadOnlyList<IReadOnlyList<string>>? announceTiers = null, IReadOnlyList<string>? urlList = null,
        DateTimeOffset? creationDate = null, string? comment = null, string? createdBy = null)
    {
        Info = info ?? throw new ArgumentNullException(nameof(info));
        AnnounceTiers = announceTiers ?? [];
        UrlList = urlList ?? [];
        CreationDate = creationDate;
        Comment = comment;
        CreatedBy = createdBy;
    }

    /// <summary>The info dictionary.</summary>
    public TorrentInfo Info { get; }

    /// <summary>Tracker tiers in order (BEP 12); a torrent with only <c>announce</c> has one tier of one URL.</summary>
    public IReadOnlyList<IReadOnlyList<string>> AnnounceTiers { get; }

    /// <summary>BEP 19 web seed URLs.</summary>
    public IReadOnlyList<string> UrlList { get; }

    /// <summary>When the torrent was created, if it says.</summary>
    public DateTimeOffset? CreationDate { get; }

    /// <summary>The free-text comment, if any.</summary>
    public string? Comment { get; }

    /// <summary>The program that created the torrent, if it says.</summary>
    public string? CreatedBy { get; }

    /// <summary>Parses and validates a .torrent file's bytes.</summary>
    /// <exception cref="MetainfoException">The torrent is malformed, unsafe or exceeds <paramref name="limits"/>.</exception>
    public static Torrent Parse(ReadOnlySpan<byte> data, MetainfoLimits? limits = null)
    {
        limits ??= MetainfoLimits.Default;
        if (data.Length > limits.MaxTorrentSize)
            throw new MetainfoException(MetainfoError.TooLarge, $"torrent of {data.Length} bytes exceeds {limits.MaxTorrentSize}");
        var root = MetainfoReader.DecodeDictionary(data.ToArray(), limits);
        if (!root.TryGetValue("info", out var infoValue)) throw MetainfoReader.Missing("info");
        var infoDict = infoValue as BDictionary ?? throw new MetainfoException(MetainfoError.WrongType, "'info' is not a dictionary");
        var info = TorrentInfo.FromDictionary(infoDict, infoDict.Raw, limits);
        long? created = root.GetInteger("creation date");
        return new Torrent(info, TrackerListReader.ReadTiers(root, limits), TrackerListReader.ReadUrlList(root, limits),
            created is >= 0 and <= 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(created.Value) : null,
            Text(root, "comment"), Text(root, "created by"));
    }

    /// <summary>Reads and parses the .torrent file at <paramref name="path"/>, refusing files over the size limit before reading them.</summary>
    /// <exception cref="MetainfoException">The torrent is malformed, unsafe or too large.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Torrent Load(string path, MetainfoLimits? limits = null)
    {
        limits ??= MetainfoLimits.Default;
        long length = new FileInfo(path).Length;
        if (length > limits.MaxTorrentSize)
            throw new MetainfoException(MetainfoError.TooLarge, $"'{path}' is {length} bytes, over the limit of {limits.MaxTorrentSize}");
        return Parse(File.ReadAllBytes(path), limits);
    }

    /// <summary>Encodes the torrent as a .torrent file; the info dictionary is written byte for byte as parsed, so the info hash is kept.</summary>
    public byte[] Encode()
    {
        var buffer = new ArrayBufferWriter<byte>(Info.RawInfo.Length + 512);
        var writer = new BencodeWriter(buffer);
        writer.WriteDictionaryStart();
        if (AnnounceTiers.Count > 0 && AnnounceTiers[0].Count > 0)
        {
            writer.WriteString("announce");
            writer.WriteString(AnnounceTiers[0][0]);
        }
        if (AnnounceTiers.Count > 1 || AnnounceTiers.Count == 1 && AnnounceTiers[0].Count > 1)
        {
            writer.WriteString("announce-list");
            writer.WriteListStart();
            foreach (var tier in AnnounceTiers)
            {
                writer.WriteListStart();
                foreach (var url in tier) writer.WriteString(url);
                writer.WriteEnd();
            }
            writer.WriteEnd();
        }
        WriteText(writer, "comment", Comment);
        WriteText(writer, "created by", CreatedBy);
        if (CreationDate is { } date)
        {
            writer.WriteString("creation date");
            writer.WriteInteger(date.ToUnixTimeSeconds());
        }
        writer.WriteString("info");
        writer.WriteRaw(Info.RawInfo.Span);
        if (UrlList.Count > 0)
        {
            writer.WriteString("url-list");
            writer.WriteListStart();
            foreach (var url in UrlList) writer.WriteString(url);
            writer.WriteEnd();
        }
        writer.WriteEnd();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A BEP 9 magnet link: the info hash, the name (<c>dn</c>), every tracker (<c>tr</c>) and web seed (<c>ws</c>).</summary>
    public string ToMagnetLink()
    {
        var link = new StringBuilder("magnet:?xt=urn:btih:").Append(Info.InfoHash.ToString());
        link.Append("&dn=").Append(Uri.EscapeDataString(Info.Name));
        foreach (var url in AnnounceTiers.SelectMany(t => t).Distinct(StringComparer.Ordinal))
            link.Append("&tr=").Append(Uri.EscapeDataString(url));
        foreach (var url in UrlList) link.Append("&ws=").Append(Uri.EscapeDataString(url));
        return link.ToString();
    }

    private static string? Text(BDictionary dict, string key) =>
        dict.Get<BString>(key + ".utf-8")?.Text ?? dict.GetText(key);

    private static void WriteText(BencodeWriter writer, string key, string? value)
    {
        if (value is null) return;
        writer.WriteString(key);
        writer.WriteString(value);
    }
}
