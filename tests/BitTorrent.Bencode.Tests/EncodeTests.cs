using System.Buffers;
using System.Text;
using BitTorrent.Bencode;

namespace BitTorrent.Bencode.Tests;

public class EncodeTests
{
    [Fact]
    public void Dictionary_keys_are_written_in_byte_order()
    {
        var d = new BDictionary { ["zeta"] = 1, ["alpha"] = "x", ["m"] = new BList { 1, "two" } };
        Assert.Equal("d5:alpha1:x1:mli1e3:twoe4:zetai1ee", Encoding.ASCII.GetString(d.Encode()));
    }

    [Fact]
    public void Byte_order_not_ordinal_string_order()
    {
        // 0xC3 ('é' in UTF-8) sorts after 'z' by bytes.
        var d = new BDictionary { ["é"] = 1, ["z"] = 2 };
        var encoded = d.Encode();
        Assert.Equal((byte)'z', encoded[3]);
    }

    [Theory]
    [InlineData(long.MinValue, "i-9223372036854775808e")]
    [InlineData(0L, "i0e")]
    [InlineData(-1L, "i-1e")]
    public void Integers(long value, string expected) =>
        Assert.Equal(expected, Encoding.ASCII.GetString(new BInteger(value).Encode()));

    [Fact]
    public void Round_trip_is_byte_exact_for_canonical_input()
    {
        var text = "d3:bar4:spam3:fooi42e4:listli-1e0:d1:k1:veee";
        var bytes = Encoding.ASCII.GetBytes(text);
        Assert.Equal(text, Encoding.ASCII.GetString(Bencode.Decode(bytes, BencodeOptions.Strict).Encode()));
    }

    [Fact]
    public void Writer_streams_into_a_buffer_writer()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new BencodeWriter(buffer);
        w.WriteDictionaryStart();
        w.WriteString("m");
        w.WriteDictionaryStart();
        w.WriteString("ut_pex");
        w.WriteInteger(1);
        w.WriteEnd();
        w.WriteString("v");
        w.WriteString("bt 0.1");
        w.WriteEnd();
        Assert.Equal("d1:md6:ut_pexi1ee1:v6:bt 0.1e", Encoding.ASCII.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void Random_values_round_trip()
    {
        var random = new Random(1234);
        for (int i = 0; i < 200; i++)
        {
            var value = RandomValue(random, 0);
            var encoded = value.Encode();
            var decoded = Bencode.Decode(encoded, BencodeOptions.Strict);
            Assert.Equal(encoded, decoded.Encode());
            Assert.Equal(encoded, decoded.Raw.ToArray());
        }
    }

    private static BValue RandomValue(Random random, int depth) => (depth > 3 ? random.Next(2) : random.Next(4)) switch
    {
        0 => new BInteger(random.NextInt64(long.MinValue, long.MaxValue)),
        1 => new BString(RandomBytes(random)),
        2 => new BList(Enumerable.Range(0, random.Next(4)).Select(_ => RandomValue(random, depth + 1))),
        _ => RandomDictionary(random, depth),
    };

    private static BDictionary RandomDictionary(Random random, int depth)
    {
        var d = new BDictionary();
        for (int i = random.Next(4); i > 0; i--) d[new BString(RandomBytes(random))] = RandomValue(random, depth + 1);
        return d;
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(6)];
        random.NextBytes(bytes);
        return bytes;
    }
}
