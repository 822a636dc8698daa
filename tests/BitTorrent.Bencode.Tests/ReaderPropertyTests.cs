using CsCheck;

namespace BitTorrent.Bencode.Tests;

/// <summary>
/// CsCheck properties of the span reader (what KRPC and the wire's extended messages walk): token by token it reads any
/// encoded value back to the same value, skipping it returns exactly its bytes, and over any bytes it fails only with
/// <see cref="BencodeException"/>.
/// </summary>
public class ReaderPropertyTests
{
    [Fact]
    public void The_span_reader_reads_any_encoded_value_back_to_the_same_value() =>
        PropertyTests.Value.Sample(value =>
        {
            var encoded = value.Encode();
            var reader = new BencodeReader(encoded, BencodeOptions.Strict);
            Assert.Equal(encoded, Read(ref reader).Encode());
            reader.EnsureFullyConsumed();
            Assert.Equal(encoded.Length, reader.Position);

            var skipping = new BencodeReader(encoded, BencodeOptions.Strict);
            Assert.Equal(encoded, skipping.ReadRawValue().ToArray());
        }, iter: 2000, threads: 1);

    [Fact]
    public void Reading_any_bytes_token_by_token_fails_only_with_BencodeException() =>
        Gen.Select(Gen.Byte[0, 255].Array[0, 60], Gen.Bool, Gen.Bool).Sample(ReadAll, iter: 20_000, threads: 1);

    [Fact]
    public void Reading_cut_or_mutated_encodings_fails_only_with_BencodeException() =>
        Gen.Select(PropertyTests.Value, Gen.Int[0, 1000], Gen.Byte, Gen.Bool, Gen.Bool).Sample((value, at, replacement, strict, skip) =>
        {
            var encoded = value.Encode();
            ReadAll(encoded[..(at % encoded.Length)], strict, skip);
            encoded[at % encoded.Length] = replacement;
            ReadAll(encoded, strict, skip);
        }, iter: 10_000, threads: 1);

    /// <summary>Reads one value token by token (or skips it) and checks the end; any failure must be a <see cref="BencodeException"/>.</summary>
    private static void ReadAll(byte[] input, bool strict, bool skip)
    {
        var options = strict ? BencodeOptions.Strict : BencodeOptions.Lenient;
        try
        {
            var reader = new BencodeReader(input, options);
            if (skip) Assert.Equal(reader.ReadRawValue().Length, reader.Position);
            else Read(ref reader);
            reader.EnsureFullyConsumed(); // strict: nothing may follow; lenient: the rest is left unread
            if (strict) Assert.Equal(input.Length, reader.Position);
        }
        catch (BencodeException e)
        {
            Assert.InRange(e.Offset, 0, input.Length);
        }
    }

    /// <summary>Reads one value with the token API (Peek, then the matching read), the way the codecs walk a message.</summary>
    private static BValue Read(ref BencodeReader reader)
    {
        switch (reader.Peek())
        {
            case BencodeToken.Integer:
                return new BInteger(reader.ReadInteger());
            case BencodeToken.String:
                return new BString(reader.ReadString().ToArray());
            case BencodeToken.ListStart:
                reader.ReadListStart();
                var list = new BList();
                while (!reader.TryReadEnd()) list.Add(Read(ref reader));
                return list;
            case BencodeToken.DictionaryStart:
                reader.ReadDictionaryStart();
                var dictionary = new BDictionary();
                while (!reader.TryReadEnd())
                {
                    var key = new BString(reader.ReadString().ToArray());
                    dictionary[key] = Read(ref reader);
                }
                return dictionary;
            default:
                throw reader.CreateError(BencodeError.UnexpectedEnd, "no value");
        }
    }
}
