using System.Text;
using BitTorrent.Bencode;

namespace BitTorrent.Bencode.Tests;

public class DecodeTests
{
    private static BValue Decode(string text, BencodeOptions? options = null) =>
        Bencode.Decode(Encoding.UTF8.GetBytes(text), options ?? BencodeOptions.Strict);

    [Theory]
    [InlineData("i0e", 0L)]
    [InlineData("i42e", 42L)]
    [InlineData("i-42e", -42L)]
    [InlineData("i9223372036854775807e", long.MaxValue)]
    [InlineData("i-9223372036854775808e", long.MinValue)]
    public void Integers_up_to_64_bits(string text, long expected) =>
        Assert.Equal(expected, Assert.IsType<BInteger>(Decode(text)).Value);

    [Theory]
    [InlineData("i9223372036854775808e")]
    [InlineData("i-9223372036854775809e")]
    [InlineData("i99999999999999999999999e")]
    public void Integer_overflow_is_refused(string text) =>
        Assert.Equal(BencodeError.IntegerOverflow, Assert.Throws<BencodeException>(() => Decode(text)).Error);

    [Fact]
    public void Strings_are_slices_with_text()
    {
        var s = Assert.IsType<BString>(Decode("4:spam"));
        Assert.Equal("spam", s.Text);
        Assert.Equal(4, s.Bytes.Length);
        Assert.Equal("", Assert.IsType<BString>(Decode("0:")).Text);
    }

    [Fact]
    public void Nested_lists_and_dictionaries()
    {
        var d = Assert.IsType<BDictionary>(Decode("d4:listl1:ai1ee3:numi7e3:str3:abce"));
        Assert.Equal(7, d.GetInteger("num"));
        Assert.Equal("abc", d.GetText("str"));
        var list = d.Get<BList>("list")!;
        Assert.Equal(2, list.Count);
        Assert.Equal("a", ((BString)list[0]).Text);
        Assert.Null(d.GetInteger("missing"));
        Assert.Null(d.GetInteger("str"));
    }

    [Theory]
    [InlineData("i03e", BencodeError.LeadingZero, 1)]
    [InlineData("i-0e", BencodeError.NegativeZero, 0)]
    [InlineData("04:spam", BencodeError.LeadingZero, 0)]
    [InlineData("d1:bi1e1:ai2ee", BencodeError.UnsortedKeys, 7)]
    [InlineData("d1:ai1e1:ai2ee", BencodeError.DuplicateKey, 7)]
    [InlineData("i1ex", BencodeError.TrailingBytes, 3)]
    public void Strict_mode_refuses_non_canonical_input_with_the_offset(string text, BencodeError error, long offset)
    {
        var ex = Assert.Throws<BencodeException>(() => Decode(text, BencodeOptions.Strict));
        Assert.Equal(error, ex.Error);
        Assert.Equal(offset, ex.Offset);
        Assert.Contains($"byte {offset}", ex.Message);
    }

    [Theory]
    [InlineData("i03e", "i3e", 4)]
    [InlineData("04:spam", "4:spam", 7)]
    [InlineData("d1:bi1e1:ai2ee", "d1:ai2e1:bi1ee", 14)]
    [InlineData("d1:ai1e1:ai2ee", "d1:ai2ee", 14)]
    [InlineData("d1:bi1e1:ai2e1:bi3ee", "d1:ai2e1:bi3ee", 20)]
    [InlineData("i1ex", "i1e", 3)]
    public void Lenient_mode_reads_what_peers_send(string text, string canonical, int consumed)
    {
        var value = Bencode.Decode(Encoding.ASCII.GetBytes(text), BencodeOptions.Lenient, out int used);
        Assert.Equal(canonical, Encoding.ASCII.GetString(value.Encode())); // a repeated key keeps its last value
        Assert.Equal(consumed, used);
        Assert.Equal(text[..consumed], Encoding.ASCII.GetString(value.Raw.Span));
    }

    [Fact]
    public async Task Unsorted_keys_decode_in_n_log_n_not_quadratic_time()
    {
        // 800,000 keys in descending order. Inserted one by one into a sorted list they shift it on every insert: that
        // took about 8 s for 200,000 keys (0.1 s ascending) and grows with the square, about 2 minutes here. Sorted
        // once, they take about 2 s of CPU. The bound is only a safety net against the quadratic path, generous enough
        // for a busy machine (a comparison count would not catch it: the cost of the old path was moving elements).
        const int count = 800_000;
        var text = new StringBuilder("d");
        for (int i = count - 1; i >= 0; i--) text.Append("7:").Append(i.ToString("D7")).Append('i').Append(i).Append('e');
        var data = Encoding.ASCII.GetBytes(text.Append('e').ToString());
        var options = BencodeOptions.Lenient with { MaxValues = 2 * count + 1 };

        var dict = await Task.Run(() => Bencode.DecodeDictionary(data, options)).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(count, dict.Count);
        Assert.Equal(Enumerable.Range(0, count).Select(i => i.ToString("D7")), dict.Keys.Select(k => k.Text));
        Assert.Equal(count - 1, dict.GetInteger((count - 1).ToString("D7")));
    }

    [Fact]
    public void The_default_limits_bound_the_number_of_values_in_a_document()
    {
        Assert.Equal(1_000_000, BencodeOptions.Lenient.MaxValues);
        Assert.Equal(16L * 1024 * 1024, BencodeOptions.Lenient.MaxTotalSize);
        // A list of 1,000,000 integers is 1,000,001 values.
        var tooMany = new byte[2 + 3 * 1_000_000];
        tooMany[0] = (byte)'l';
        for (int i = 1; i < tooMany.Length - 1; i += 3) "i0e"u8.CopyTo(tooMany.AsSpan(i));
        tooMany[^1] = (byte)'e';
        var ex = Assert.Throws<BencodeException>(() => Bencode.Decode(tooMany));
        Assert.Equal(BencodeError.TooManyValues, ex.Error);
        Assert.Equal(1 + 3 * 999_999, ex.Offset);
        Assert.Equal(BencodeError.TooManyValues,
            Assert.Throws<BencodeException>(() => Decode("li1ei2ee", BencodeOptions.Lenient with { MaxValues = 2 })).Error);
        Assert.Equal(2, Assert.IsType<BList>(Decode("li1ei2ee", BencodeOptions.Lenient with { MaxValues = 3 })).Count);
    }

    [Theory]
    [InlineData("", BencodeError.UnexpectedEnd)]
    [InlineData("i12", BencodeError.UnexpectedEnd)]
    [InlineData("ie", BencodeError.InvalidToken)]
    [InlineData("i1x2e", BencodeError.InvalidToken)]
    [InlineData("5:abc", BencodeError.UnexpectedEnd)]
    [InlineData("l", BencodeError.UnexpectedEnd)]
    [InlineData("d3:keye", BencodeError.InvalidToken)]
    [InlineData("di1ei2ee", BencodeError.UnexpectedType)]
    [InlineData("x", BencodeError.InvalidToken)]
    [InlineData("3x:abc", BencodeError.InvalidToken)]
    [InlineData("99999999999:a", BencodeError.IntegerOverflow)]
    public void Malformed_input_gets_a_typed_error(string text, BencodeError error) =>
        Assert.Equal(error, Assert.Throws<BencodeException>(() => Decode(text, BencodeOptions.Lenient)).Error);

    [Fact]
    public void Depth_is_bounded()
    {
        var deep = new string('l', 100) + new string('e', 100);
        var ex = Assert.Throws<BencodeException>(() => Decode(deep, BencodeOptions.Lenient with { MaxDepth = 10 }));
        Assert.Equal(BencodeError.DepthExceeded, ex.Error);
        Assert.Equal(10, ex.Offset);
        Decode(new string('l', 10) + new string('e', 10), BencodeOptions.Lenient with { MaxDepth = 10 });
    }

    [Fact]
    public void String_length_is_bounded_before_reading()
    {
        var ex = Assert.Throws<BencodeException>(() => Decode("2000000000:x", BencodeOptions.Lenient with { MaxStringLength = 1000 }));
        Assert.Equal(BencodeError.StringTooLong, ex.Error);
    }

    [Fact]
    public void Total_size_is_bounded()
    {
        var ex = Assert.Throws<BencodeException>(() => Decode("10:0123456789", BencodeOptions.Lenient with { MaxTotalSize = 8 }));
        Assert.Equal(BencodeError.TotalSizeExceeded, ex.Error);
    }

    [Fact]
    public void Element_count_is_bounded()
    {
        var ex = Assert.Throws<BencodeException>(() => Decode("li1ei2ei3ee", BencodeOptions.Lenient with { MaxElements = 2 }));
        Assert.Equal(BencodeError.TooManyElements, ex.Error);
        Decode("li1ei2ee", BencodeOptions.Lenient with { MaxElements = 2 });
    }

    [Fact]
    public void Raw_bytes_of_a_non_canonical_info_dict_are_kept_exactly()
    {
        // Keys out of order: re-encoding would change the bytes and so the info hash.
        const string info = "d4:name3:abc6:lengthi5e12:piece lengthi16384e6:pieces20:aaaaaaaaaaaaaaaaaaaae";
        var torrent = Encoding.ASCII.GetBytes("d8:announce3:url4:info" + info + "e");
        var dict = Bencode.DecodeDictionary(torrent, BencodeOptions.Lenient);
        var raw = dict["info"].Raw;
        Assert.Equal(info, Encoding.ASCII.GetString(raw.Span));
        Assert.NotEqual(info, Encoding.ASCII.GetString(dict["info"].Encode()));
        Assert.Equal(InfoHash.FromInfoDictionary(Encoding.ASCII.GetBytes(info)), InfoHash.FromInfoDictionary(raw.Span));
    }

    [Fact]
    public void Reader_gives_raw_value_without_allocating_a_model()
    {
        var data = Encoding.ASCII.GetBytes("d1:ad1:xli1ei2eee1:bi3ee");
        var reader = new BencodeReader(data, BencodeOptions.Strict);
        reader.ReadDictionaryStart();
        Assert.Equal("a", Encoding.ASCII.GetString(reader.ReadString()));
        Assert.Equal("d1:xli1ei2eee", Encoding.ASCII.GetString(reader.ReadRawValue()));
        Assert.Equal("b", Encoding.ASCII.GetString(reader.ReadString()));
        Assert.Equal(3, reader.ReadInteger());
        Assert.True(reader.TryReadEnd());
        reader.EnsureFullyConsumed();
    }
}
