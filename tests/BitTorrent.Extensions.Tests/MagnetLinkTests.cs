using System.Net;
using BitTorrent.Extensions;

namespace BitTorrent.Extensions.Tests;

public class MagnetLinkTests
{
    private const string Hex = "c12fe1c06bba254a9dc9f519b335aa7c1367a88a";

    [Fact]
    public void Parses_the_bep9_example_with_every_key()
    {
        var link = MagnetLink.Parse(
            $"magnet:?xt=urn:btih:{Hex}&dn=My%20File+1.iso&tr=http%3A%2F%2Ftracker.example%3A6969%2Fannounce&tr=udp://t2.example:80"
            + "&x.pe=127.0.0.1:6881&x.pe=%5B::1%5D:6882&x.pe=peer.example:51413&ws=https%3A%2F%2Fseed.example%2Ffile");
        Assert.Equal(InfoHash.Parse(Hex), link.InfoHash);
        Assert.Equal("My File 1.iso", link.DisplayName);
        Assert.Equal([new Uri("http://tracker.example:6969/announce"), new Uri("udp://t2.example:80")], link.Trackers);
        Assert.Equal([new Uri("https://seed.example/file")], link.WebSeeds);
        Assert.Equal(3, link.Peers.Count);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 6881), link.Peers[0]);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 6882), link.Peers[1]);
        Assert.Equal(new DnsEndPoint("peer.example", 51413), link.Peers[2]);
    }

    [Fact]
    public void Parses_a_base32_info_hash_in_either_case()
    {
        // base32 of c12fe1c0...a88a (RFC 4648 alphabet)
        var base32 = Base32(Convert.FromHexString(Hex));
        Assert.Equal(32, base32.Length);
        Assert.Equal(InfoHash.Parse(Hex), MagnetLink.Parse("magnet:?xt=urn:btih:" + base32).InfoHash);
        Assert.Equal(InfoHash.Parse(Hex), MagnetLink.Parse("magnet:?xt=urn:btih:" + base32.ToLowerInvariant()).InfoHash);
    }

    [Fact]
    public void Accepts_upper_case_hex_scheme_and_keys_and_indexed_keys()
    {
        var link = MagnetLink.Parse($"MAGNET:?XT=URN:BTIH:{Hex.ToUpperInvariant()}&tr.1=http://a.example/&tr.2=http://b.example/");
        Assert.Equal(InfoHash.Parse(Hex), link.InfoHash);
        Assert.Equal(2, link.Trackers.Count);
    }

    [Fact]
    public void Ignores_unknown_keys_and_v2_topics_and_keeps_a_repeated_identical_btih()
    {
        var link = MagnetLink.Parse($"magnet:?xt=urn:btmh:1220abcd&xt=urn:btih:{Hex}&xt=urn:btih:{Hex}&xl=1024&so=0-3&kt=x");
        Assert.Equal(InfoHash.Parse(Hex), link.InfoHash);
        Assert.Null(link.DisplayName);
        Assert.Empty(link.Trackers);
    }

    [Fact]
    public void Removes_duplicate_trackers()
    {
        var link = MagnetLink.Parse($"magnet:?xt=urn:btih:{Hex}&tr=http://a.example/&tr=http%3A%2F%2Fa.example%2F");
        Assert.Single(link.Trackers);
    }

    [Theory]
    [InlineData("http://example.com/?xt=urn:btih:" + Hex, MagnetLinkError.NotAMagnetLink)]
    [InlineData("magnet:xt=urn:btih:" + Hex, MagnetLinkError.NotAMagnetLink)]
    [InlineData("magnet:?dn=x", MagnetLinkError.MissingInfoHash)]
    [InlineData("magnet:?xt=urn:sha1:" + Hex, MagnetLinkError.MissingInfoHash)]
    [InlineData("magnet:?xt=urn:btih:" + "c12fe1c06bba254a9dc9f519b335aa7c1367a88", MagnetLinkError.InvalidInfoHash)]
    [InlineData("magnet:?xt=urn:btih:" + "g12fe1c06bba254a9dc9f519b335aa7c1367a88a", MagnetLinkError.InvalidInfoHash)]
    [InlineData("magnet:?xt=urn:btih:" + "YEX6DQDLXISUVHOJ6UM3GNNKPQJWPKE1", MagnetLinkError.InvalidInfoHash)]
    [InlineData("magnet:?xt=urn:btih:" + Hex + "&xt=urn:btih:0000000000000000000000000000000000000000", MagnetLinkError.ConflictingInfoHashes)]
    [InlineData("magnet:?xt=urn:btih:" + Hex + "&dn=%zz", MagnetLinkError.InvalidEscape)]
    [InlineData("magnet:?xt=urn:btih:" + Hex + "&dn=abc%4", MagnetLinkError.InvalidEscape)]
    [InlineData("magnet:?xt=urn:btih:" + Hex + "&dn=%C3%28", MagnetLinkError.InvalidEscape)]
    [InlineData("magnet:?xt=urn:btih:" + Hex + "&tr=not%20a%20uri", MagnetLinkError.InvalidTracker)]
    [InlineData("magnet:?xt=urn:btih:" + Hex + "&ws=ftp://x.example/f", MagnetLinkError.InvalidWebSeed)]
    [InlineData("magnet:?xt=urn:btih:" + Hex + "&x.pe=127.0.0.1", MagnetLinkError.InvalidPeerAddress)]
    [InlineData("magnet:?xt=urn:btih:" + Hex + "&x.pe=127.0.0.1:0", MagnetLinkError.InvalidPeerAddress)]
    [InlineData("magnet:?xt=urn:btih:" + Hex + "&x.pe=127.0.0.1:65536", MagnetLinkError.InvalidPeerAddress)]
    [InlineData("magnet:?xt=urn:btih:" + Hex + "&x.pe=127.0.0.1:+80", MagnetLinkError.InvalidPeerAddress)]
    [InlineData("magnet:?xt=urn:btih:" + Hex + "&x.pe=::1:80", MagnetLinkError.InvalidPeerAddress)]
    [InlineData("magnet:?xt=urn:btih:" + Hex + "&x.pe=[1.2.3.4]:80", MagnetLinkError.InvalidPeerAddress)]
    [InlineData("magnet:?xt=urn:btih:" + Hex + "&x.pe=bad_host!:80", MagnetLinkError.InvalidPeerAddress)]
    public void Rejects_malformed_links_with_a_typed_error(string uri, MagnetLinkError expected)
    {
        var e = Assert.Throws<MagnetLinkFormatException>(() => MagnetLink.Parse(uri));
        Assert.Equal(expected, e.Error);
        Assert.False(MagnetLink.TryParse(uri, out _));
    }

    [Fact]
    public void Rejects_an_overlong_link()
    {
        var uri = "magnet:?xt=urn:btih:" + Hex + "&dn=" + new string('a', MagnetLink.MaxLength);
        Assert.Equal(MagnetLinkError.TooLong, Assert.Throws<MagnetLinkFormatException>(() => MagnetLink.Parse(uri)).Error);
    }

    [Fact]
    public void TryParse_returns_false_for_null()
    {
        Assert.False(MagnetLink.TryParse(null, out var link));
        Assert.Null(link);
    }

    [Fact]
    public void Formats_with_xt_first_and_escaped_values()
    {
        var link = new MagnetLink(InfoHash.Parse(Hex), "a b&c/é",
            [new Uri("http://t.example/announce?x=1&y=2")], [new Uri("https://w.example/f")],
            [new IPEndPoint(IPAddress.Parse("10.0.0.1"), 1), new IPEndPoint(IPAddress.IPv6Loopback, 2), new DnsEndPoint("p.example", 3)]);
        Assert.Equal(
            $"magnet:?xt=urn:btih:{Hex}&dn=a%20b%26c%2F%C3%A9&tr=http%3A%2F%2Ft.example%2Fannounce%3Fx%3D1%26y%3D2"
            + "&ws=https%3A%2F%2Fw.example%2Ff&x.pe=10.0.0.1:1&x.pe=[::1]:2&x.pe=p.example:3",
            link.ToString());
    }

    [Fact]
    public void Format_then_parse_round_trips()
    {
        var link = new MagnetLink(InfoHash.Parse(Hex), "name + plus 100%",
            [new Uri("udp://t.example:1337/announce"), new Uri("http://t2.example/a?b=c")], [new Uri("http://w.example/x y")],
            [new IPEndPoint(IPAddress.Parse("fe80::1"), 6881), new DnsEndPoint("p.example", 80)]);
        var parsed = MagnetLink.Parse(link.ToString());
        Assert.Equal(link.InfoHash, parsed.InfoHash);
        Assert.Equal(link.DisplayName, parsed.DisplayName);
        Assert.Equal(link.Trackers, parsed.Trackers);
        Assert.Equal(link.WebSeeds, parsed.WebSeeds);
        Assert.Equal(link.Peers, parsed.Peers);
        Assert.Equal(link.ToString(), parsed.ToString());
    }

    [Fact]
    public void A_scoped_ipv6_peer_is_written_escaped_and_parses_back_with_its_zone()
    {
        var peer = new IPEndPoint(IPAddress.Parse("fe80::1%2"), 6881);
        var link = new MagnetLink(InfoHash.Parse(Hex), peers: [peer]);
        Assert.EndsWith("&x.pe=[fe80::1%252]:6881", link.ToString());
        var parsed = Assert.IsType<IPEndPoint>(Assert.Single(MagnetLink.Parse(link.ToString()).Peers));
        Assert.Equal(peer, parsed);
        Assert.Equal(2, parsed.Address.ScopeId);
    }

    [Theory]
    [InlineData("dn=%F0%9F%98%80%20x")]  // escaped
    [InlineData("dn=\U0001F600%20x")]  // raw, as a browser may pass it: two UTF-16 chars
    public void Characters_outside_the_basic_plane_survive_percent_decoding(string parameter)
    {
        var link = MagnetLink.Parse($"magnet:?xt=urn:btih:{Hex}&" + parameter);
        Assert.Equal("\U0001F600 x", link.DisplayName);
        Assert.Equal(link.DisplayName, MagnetLink.Parse(link.ToString()).DisplayName);
    }

    [Fact]
    public void A_display_name_with_a_lone_surrogate_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new MagnetLink(InfoHash.Parse(Hex), "a\ud800b"));
    }

    [Fact]
    public void Removing_duplicate_trackers_is_linear()
    {
        // 100,000 trackers, each twice: a list scan per tracker would make ten billion comparisons.
        var trackers = Enumerable.Range(0, 100_000).Select(i => new Uri($"http://t{i}.example/announce")).ToArray();
        var link = new MagnetLink(InfoHash.Parse(Hex), trackers: trackers.Concat(trackers));
        Assert.Equal(trackers, link.Trackers);
    }

    [Fact]
    public void Minimal_link_is_only_the_info_hash()
    {
        Assert.Equal($"magnet:?xt=urn:btih:{Hex}", new MagnetLink(InfoHash.Parse(Hex)).ToString());
    }

    [Fact]
    public void Constructor_rejects_invalid_parts()
    {
        var hash = InfoHash.Parse(Hex);
        Assert.Throws<ArgumentException>(() => new MagnetLink(hash, trackers: [new Uri("/relative", UriKind.Relative)]));
        Assert.Throws<ArgumentException>(() => new MagnetLink(hash, webSeeds: [new Uri("ftp://x.example/")]));
        Assert.Throws<ArgumentException>(() => new MagnetLink(hash, peers: [new IPEndPoint(IPAddress.Loopback, 0)]));
        Assert.Throws<ArgumentException>(() => new MagnetLink(hash, peers: [new DnsEndPoint("bad host", 1)]));
    }

    private static string Base32(byte[] bytes)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var text = new System.Text.StringBuilder();
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                text.Append(alphabet[(buffer >> bits) & 31]);
            }
        }
        return text.ToString();
    }
}
