namespace BitTorrent.Bencode.Tests;

public class PrimitivesTests
{
    [Fact]
    public void InfoHash_parses_and_formats_hex()
    {
        var hash = InfoHash.Parse("E3811B9539CACFF680E418124272177C47477157");
        Assert.Equal("e3811b9539cacff680e418124272177c47477157", hash.ToString());
        Assert.Equal(0xe3, hash.Span[0]);
        Assert.Equal(hash, InfoHash.Parse(hash.ToString()));
        Assert.Equal(hash, new InfoHash(hash.ToArray()));
        Assert.Equal($"{hash}", hash.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("e3811b9539cacff680e418124272177c4747715")]
    [InlineData("e3811b9539cacff680e418124272177c474771577")]
    [InlineData("g3811b9539cacff680e418124272177c47477157")]
    public void InfoHash_refuses_bad_hex(string hex)
    {
        Assert.False(InfoHash.TryParse(hex, out _));
        Assert.Throws<FormatException>(() => InfoHash.Parse(hex));
    }

    [Fact]
    public void Ids_must_be_20_bytes() => Assert.Throws<ArgumentException>(() => new PeerId(new byte[19]));

    [Fact]
    public void Random_peer_ids_carry_the_client_prefix_and_differ()
    {
        var a = PeerId.CreateRandom();
        var b = PeerId.CreateRandom();
        Assert.NotEqual(a, b);
        Assert.Equal(PeerId.ClientPrefix, System.Text.Encoding.ASCII.GetString(a.Span[..8]));
    }

    [Fact]
    public void InfoHash_of_an_info_dictionary_is_its_sha1()
    {
        var info = "d6:lengthi1e4:name1:a12:piece lengthi16384e6:pieces20:aaaaaaaaaaaaaaaaaaaae"u8;
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(info)), InfoHash.FromInfoDictionary(info).ToString());
    }
}
