using CsCheck;

namespace BitTorrent.Bencode.Tests;

/// <summary>CsCheck properties: encoding then decoding is the identity, and decoding random bytes only ever fails typed.</summary>
public class PropertyTests
{
    private static readonly Gen<byte[]> Bytes = Gen.Byte.Array[0, 12];

    /// <summary>Any value: integers over the whole 64-bit range, byte strings, lists and dictionaries up to four levels deep.</summary>
    internal static readonly Gen<BValue> Value = Gen.Recursive<BValue>((depth, value) =>
    {
        var leaf = Gen.OneOf(Gen.Long.Select(v => (BValue)new BInteger(v)), Bytes.Select(b => (BValue)new BString(b)));
        if (depth >= 4) return leaf;
        var list = value.List[0, 5].Select(items => (BValue)new BList(items));
        var dictionary = Gen.Select(Bytes, value).List[0, 5].Select(entries =>
        {
            var d = new BDictionary();
            foreach (var (key, item) in entries) d[new BString(key)] = item;
            return (BValue)d;
        });
        return Gen.Frequency((2, leaf), (1, list), (1, dictionary));
    });

    [Fact]
    public void Encode_then_strict_decode_is_the_identity() =>
        Value.Sample(value =>
        {
            var encoded = value.Encode();
            var decoded = Bencode.Decode(encoded, BencodeOptions.Strict);
            Assert.Equal(encoded, decoded.Encode());
            Assert.Equal(encoded, decoded.Raw.ToArray());
            Assert.True(Same(value, decoded));
        }, iter: 2000, threads: 1);

    [Fact]
    public void Decoding_random_bytes_throws_only_BencodeException() =>
        Gen.Select(Gen.Byte[0, 255].Array[0, 40], Gen.Bool).Sample((input, strict) =>
        {
            try
            {
                var value = Bencode.Decode(input, strict ? BencodeOptions.Strict : BencodeOptions.Lenient, out int consumed);
                Assert.InRange(consumed, 1, input.Length);
                Assert.Equal(input.AsSpan(0, consumed).ToArray(), value.Raw.ToArray());
            }
            catch (BencodeException e)
            {
                Assert.InRange(e.Offset, 0, input.Length);
            }
        }, iter: 20_000, threads: 1);

    [Fact]
    public void Decoding_mutated_encodings_throws_only_BencodeException() =>
        Gen.Select(Value, Gen.Int[0, 1000], Gen.Byte).Sample((value, at, replacement) =>
        {
            var input = value.Encode();
            input[at % input.Length] = replacement;
            try
            {
                var decoded = Bencode.Decode(input, BencodeOptions.Lenient);
                Assert.Equal(decoded.Encode(), Bencode.Decode(decoded.Encode(), BencodeOptions.Strict).Encode());
            }
            catch (BencodeException)
            {
            }
        }, iter: 5000, threads: 1);

    /// <summary>Structural equality of two values (dictionaries compare in key order).</summary>
    private static bool Same(BValue a, BValue b) => (a, b) switch
    {
        (BInteger x, BInteger y) => x.Value == y.Value,
        (BString x, BString y) => x.Equals(y),
        (BList x, BList y) => x.Count == y.Count && x.Zip(y).All(p => Same(p.First, p.Second)),
        (BDictionary x, BDictionary y) => x.Count == y.Count
            && x.Zip(y).All(p => p.First.Key.Equals(p.Second.Key) && Same(p.First.Value, p.Second.Value)),
        _ => false,
    };
}
