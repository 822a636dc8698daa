using BitTorrent.Bencode;

namespace BitTorrent.Wire;

/// <summary>
/// The peer's BEP 10 extended handshake. The keys the wire acts on (<c>m</c>, <c>reqq</c>, <c>p</c>,
/// <c>metadata_size</c>) are read in one pass without building a tree; the whole dictionary is decoded on first use
/// of <see cref="Dictionary"/>.
/// </summary>
public sealed class ExtendedHandshake
{
    private static readonly BencodeOptions Limits = BencodeOptions.Lenient with { MaxDepth = 8, MaxElements = 4096 };
    private static readonly string[] KnownNames = ["ut_metadata", "ut_pex", "lt_donthave", "upload_only", "ut_holepunch", "share_mode", "ut_comment"];
    private const long Absent = long.MinValue;
    private readonly byte[] _raw;
    private readonly KeyValuePair<string, long>[] _m;
    private readonly long _reqq;
    private readonly long _metadataSize;
    private readonly int _p;
    private BDictionary? _dictionary;

    private ExtendedHandshake(byte[] raw, KeyValuePair<string, long>[] m, long reqq, long metadataSize, long p)
    {
        _raw = raw;
        _m = m;
        _reqq = reqq;
        _metadataSize = metadataSize;
        _p = p is > 0 and <= 65535 ? (int)p : 0;
    }

    /// <summary>The longest extension name kept from <c>m</c>; longer names are ignored.</summary>
    public const int MaxNameLength = 64;

    /// <summary>The most <c>m</c> entries kept (the first ones); the rest are ignored.</summary>
    public const int MaxExtensions = 128;

    /// <summary>Reads an extended handshake payload (after the extended id byte).</summary>
    /// <exception cref="BencodeException">Not a bencoded dictionary, or beyond the limits.</exception>
    public static ExtendedHandshake Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new BencodeReader(payload, Limits);
        if (reader.Peek() != BencodeToken.DictionaryStart) throw reader.CreateError(BencodeError.UnexpectedType, "expected a dictionary");
        reader.ReadDictionaryStart();
        KeyValuePair<string, long>[] m = [];
        long reqq = Absent, metadataSize = Absent, p = Absent;
        while (!reader.TryReadEnd())
        {
            var key = reader.ReadString();
            var next = reader.Peek();
            if (key.SequenceEqual("m"u8) && next == BencodeToken.DictionaryStart) m = ReadMapping(ref reader);
            else if (key.SequenceEqual("reqq"u8) && next == BencodeToken.Integer) reqq = reader.ReadInteger();
            else if (key.SequenceEqual("metadata_size"u8) && next == BencodeToken.Integer) metadataSize = reader.ReadInteger();
            else if (key.SequenceEqual("p"u8) && next == BencodeToken.Integer) p = reader.ReadInteger();
            else reader.ReadRawValue();
        }
        return new ExtendedHandshake(payload[..reader.Position].ToArray(), m, reqq, metadataSize, p);
    }

    private static KeyValuePair<string, long>[] ReadMapping(ref BencodeReader reader)
    {
        reader.ReadDictionaryStart();
        var entries = new MappingBuffer();
        int count = 0;
        List<KeyValuePair<string, long>>? overflow = null;
        while (!reader.TryReadEnd())
        {
            var name = reader.ReadString();
            if (reader.Peek() != BencodeToken.Integer || name.Length > MaxNameLength || count + (overflow?.Count ?? 0) >= MaxExtensions)
            {
                reader.ReadRawValue();
                continue;
            }
            var entry = new KeyValuePair<string, long>(Intern(name), reader.ReadInteger());
            if (count < MappingBuffer.Capacity) entries[count++] = entry;
            else (overflow ??= []).Add(entry);
        }
        var result = new KeyValuePair<string, long>[count + (overflow?.Count ?? 0)];
        ((ReadOnlySpan<KeyValuePair<string, long>>)entries)[..count].CopyTo(result);
        overflow?.CopyTo(result, count);
        return result;
    }

    private static string Intern(ReadOnlySpan<byte> name)
    {
        foreach (var known in KnownNames)
            if (name.Length == known.Length && System.Text.Ascii.Equals(name, known)) return known;
        return System.Text.Encoding.UTF8.GetString(name);
    }

    /// <summary>The whole dictionary as received (unknown keys included), decoded on first use.</summary>
    public BDictionary Dictionary => _dictionary ??= Bencode.Bencode.DecodeDictionary(_raw, Limits);

    /// <summary><c>m</c>: extension name to the peer's message id (0 = disabled), in the order received.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> M => _m;

    /// <summary><c>v</c>: client name and version.</summary>
    public string? V => Dictionary.GetText("v");

    /// <summary><c>p</c>: the peer's TCP listen port.</summary>
    public int? P => _p == 0 ? null : _p;

    /// <summary><c>reqq</c>: how many requests the peer queues.</summary>
    public long? Reqq => _reqq == Absent ? null : _reqq;

    /// <summary><c>yourip</c>: our address as the peer sees it (4 or 16 bytes).</summary>
    public System.Net.IPAddress? YourIp =>
        Dictionary.GetBytes("yourip") is { Length: 4 or 16 } ip ? new System.Net.IPAddress(ip.Span) : null;

    /// <summary><c>metadata_size</c> (BEP 9).</summary>
    public long? MetadataSize => _metadataSize == Absent ? null : _metadataSize;

    /// <summary>The peer's id for <paramref name="name"/> in this handshake, or null when absent.</summary>
    public long? GetExtensionId(string name)
    {
        foreach (var (key, id) in _m) if (key == name) return id;
        return null;
    }
}

/// <summary>Room on the stack for the usual handful of <c>m</c> entries.</summary>
[System.Runtime.CompilerServices.InlineArray(Capacity)]
internal struct MappingBuffer
{
    public const int Capacity = 16;
    private KeyValuePair<string, long> _element0;
}
