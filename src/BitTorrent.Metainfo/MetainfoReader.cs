using BitTorrent.Bencode;

namespace BitTorrent.Metainfo;

/// <summary>Decoding and typed field access shared by the info dictionary and the outer torrent dictionary.</summary>
internal static class MetainfoReader
{
    public static BDictionary DecodeDictionary(ReadOnlyMemory<byte> data, MetainfoLimits limits)
    {
        var options = BencodeOptions.Lenient with
        {
            MaxTotalSize = limits.MaxTorrentSize,
            MaxStringLength = limits.MaxTorrentSize,
            MaxElements = Math.Max(limits.MaxFiles, limits.MaxTrackers) + 64,
        };
        try
        {
            return Bencode.Bencode.DecodeDictionary(data, options);
        }
        catch (BencodeException e)
        {
            throw new MetainfoException(MetainfoError.InvalidBencode, e.Message, e);
        }
    }

    public static MetainfoException Missing(string key) => new(MetainfoError.MissingField, $"'{key}' is missing");

    public static long RequireInteger(BDictionary dict, string key)
    {
        if (!dict.TryGetValue(key, out var value)) throw Missing(key);
        return value is BInteger i ? i.Value : throw new MetainfoException(MetainfoError.WrongType, $"'{key}' is not an integer");
    }

    /// <summary>The text of <paramref name="key"/>, preferring a string <c>key.utf-8</c> when the torrent has one.</summary>
    public static string RequireUtf8(BDictionary dict, string key)
    {
        if (dict.Get<BString>(key + ".utf-8") is { } utf8) return utf8.Text;
        if (!dict.TryGetValue(key, out var value)) throw Missing(key);
        return value is BString s ? s.Text : throw new MetainfoException(MetainfoError.WrongType, $"'{key}' is not a string");
    }

    /// <summary>The list at <paramref name="key"/> (preferring <c>key.utf-8</c>), or a typed error.</summary>
    public static BList RequireList(BDictionary dict, string key)
    {
        if (dict.Get<BList>(key + ".utf-8") is { } utf8) return utf8;
        if (!dict.TryGetValue(key, out var value)) throw Missing(key);
        return value as BList ?? throw new MetainfoException(MetainfoError.WrongType, $"'{key}' is not a list");
    }
}
