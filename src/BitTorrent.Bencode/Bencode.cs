using System.Buffers;

namespace BitTorrent.Bencode;

/// <summary>Decoding into and encoding from the <see cref="BValue"/> model.</summary>
public static class Bencode
{
    /// <summary>
    /// Decodes one value from <paramref name="data"/>. Strings and <see cref="BValue.Raw"/> are slices of
    /// <paramref name="data"/> (no copy), so keep the buffer alive and unchanged while the result is used.
    /// </summary>
    /// <exception cref="BencodeException">The input is malformed, not canonical (strict), or exceeds a limit.</exception>
    public static BValue Decode(ReadOnlyMemory<byte> data, BencodeOptions? options = null) =>
        Decode(data, options, out _);

    /// <summary>Decodes one value and reports how many bytes it took; trailing bytes are allowed unless strict.</summary>
    public static BValue Decode(ReadOnlyMemory<byte> data, BencodeOptions? options, out int consumed)
    {
        var reader = new BencodeReader(data.Span, options);
        var value = ReadValue(ref reader, data);
        reader.EnsureFullyConsumed();
        consumed = reader.Position;
        return value;
    }

    /// <summary>Decodes a value that must be a dictionary.</summary>
    /// <exception cref="BencodeException">The input is malformed or the top-level value is not a dictionary.</exception>
    public static BDictionary DecodeDictionary(ReadOnlyMemory<byte> data, BencodeOptions? options = null) =>
        DecodeDictionary(data, options, out _);

    /// <summary>Decodes a value that must be a dictionary and reports how many bytes it took.</summary>
    public static BDictionary DecodeDictionary(ReadOnlyMemory<byte> data, BencodeOptions? options, out int consumed)
    {
        var reader = new BencodeReader(data.Span, options);
        if (reader.Peek() != BencodeToken.DictionaryStart)
            throw reader.CreateError(BencodeError.UnexpectedType, "expected a dictionary");
        var value = (BDictionary)ReadValue(ref reader, data);
        reader.EnsureFullyConsumed();
        consumed = reader.Position;
        return value;
    }

    /// <summary>Reads the next value from <paramref name="reader"/>; <paramref name="source"/> is the memory the reader spans.</summary>
    public static BValue ReadValue(ref BencodeReader reader, ReadOnlyMemory<byte> source)
    {
        int start = reader.Position;
        BValue value;
        switch (reader.Peek())
        {
            case BencodeToken.Integer:
                value = new BInteger(reader.ReadInteger());
                break;
            case BencodeToken.String:
            {
                int length = reader.ReadString().Length;
                value = new BString(source.Slice(reader.Position - length, length));
                break;
            }
            case BencodeToken.ListStart:
            {
                reader.ReadListStart();
                var list = new BList();
                while (!reader.TryReadEnd()) list.Add(ReadValue(ref reader, source));
                value = list;
                break;
            }
            case BencodeToken.DictionaryStart:
            {
                reader.ReadDictionaryStart();
                var entries = new List<KeyValuePair<BString, BValue>>();
                while (!reader.TryReadEnd())
                {
                    int keyLength = reader.ReadString().Length;
                    var key = new BString(source.Slice(reader.Position - keyLength, keyLength));
                    entries.Add(new(key, ReadValue(ref reader, source)));
                }
                value = BDictionary.FromEntries(entries); // lenient: a repeated key keeps the last value
                break;
            }
            case BencodeToken.None:
                throw reader.CreateError(BencodeError.UnexpectedEnd);
            default:
                throw reader.CreateError(BencodeError.InvalidToken);
        }
        value.Raw = source[start..reader.Position];
        return value;
    }

    /// <summary>Encodes <paramref name="value"/> as canonical bencode.</summary>
    public static byte[] Encode(BValue value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        value.WriteTo(new BencodeWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Appends the canonical encoding of <paramref name="value"/> to <paramref name="output"/>.</summary>
    public static void Encode(BValue value, IBufferWriter<byte> output) => value.WriteTo(new BencodeWriter(output));
}
