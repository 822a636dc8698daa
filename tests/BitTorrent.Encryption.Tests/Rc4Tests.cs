using BitTorrent.Encryption;

namespace BitTorrent.Encryption.Tests;

public class Rc4Tests
{
    // RFC 6229 section 2: keystream bytes at the given offsets.
    public static TheoryData<string, int, string> Rfc6229 => new()
    {
        { "0102030405", 0, "b2396305f03dc027ccc3524a0a1118a8" },
        { "0102030405", 16, "6982944f18fc82d589c403a47a0d0919" },
        { "0102030405", 240, "28cb1132c96ce286421dcaadb8b69eae" },
        { "0102030405", 256, "1cfcf62b03eddb641d77dfcf7f8d8c93" },
        { "0102030405", 496, "42b7d0cdd918a8a33dd51781c81f4041" },
        { "0102030405", 512, "6459844432a7da923cfb3eb4980661f6" },
        { "0102030405", 752, "ec10327bde2beefd18f9277680457e22" },
        { "0102030405", 768, "eb62638d4f0ba1fe9fca20e05bf8ff2b" },
        { "0102030405", 1008, "45129048e6a0ed0b56b490338f078da5" },
        { "0102030405", 1024, "30abbcc7c20b01609f23ee2d5f6bb7df" },
        { "0102030405", 1520, "3294f744d8f9790507e70f62e5bbceea" },
        { "0102030405", 1536, "d8729db41882259bee4f825325f5a130" },
        { "0102030405", 2032, "1eb14a0c13b3bf47fa2a0ba93ad45b8b" },
        { "0102030405", 2048, "cc582f8ba9f265e2b1be9112e975d2d7" },
        { "0102030405060708090a0b0c0d0e0f10", 0, "9ac7cc9a609d1ef7b2932899cde41b97" },
        { "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20", 0, "eaa6bd25880bf93d3f5d1e4ca2611d91" },
        { "1ada31d5cf688221c109163908ebe51debb46227c6cc8b37641910833222772a", 4096, "370b1c1fe655916d97fd0d47ca1d72b8" },
    };

    [Theory]
    [MemberData(nameof(Rfc6229))]
    public void Keystream_matches_RFC_6229(string key, int offset, string expected)
    {
        var cipher = new Rc4(Convert.FromHexString(key));
        var keystream = new byte[offset + 16];
        cipher.Transform(keystream);
        Assert.Equal(expected, Convert.ToHexStringLower(keystream.AsSpan(offset, 16)));
    }

    [Theory]
    [MemberData(nameof(Rfc6229))]
    public void Discard_skips_the_keystream(string key, int offset, string expected)
    {
        var cipher = new Rc4(Convert.FromHexString(key), discard: offset);
        var block = new byte[16];
        cipher.Transform(block);
        Assert.Equal(expected, Convert.ToHexStringLower(block));
    }

    [Fact]
    public void Pieces_of_any_size_give_the_same_stream_and_decrypt_back()
    {
        var key = Convert.FromHexString("0102030405");
        var plain = new byte[10_000];
        new Random(7).NextBytes(plain);
        var whole = plain.ToArray();
        new Rc4(key, 1024).Transform(whole);

        var pieces = new byte[plain.Length];
        var cipher = new Rc4(key, 1024);
        var random = new Random(3);
        for (int at = 0; at < plain.Length;)
        {
            var n = Math.Min(random.Next(0, 700), plain.Length - at);
            cipher.Transform(plain.AsSpan(at, n), pieces.AsSpan(at, n));
            at += n;
        }
        Assert.Equal(whole, pieces);
        new Rc4(key, 1024).Transform(pieces);
        Assert.Equal(plain, pieces);
    }

    [Fact]
    public void Rejects_empty_keys_and_short_destinations()
    {
        Assert.Throws<ArgumentException>(() => new Rc4([]));
        Assert.Throws<ArgumentException>(() => new Rc4([1]).Transform(new byte[4], new byte[3]));
    }
}
