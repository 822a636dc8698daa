using System.Net;
using BitTorrent.Bencode;

namespace BitTorrent.Trackers.Tests;

public class HttpTrackerResponseTests
{
    private static readonly Uri Tracker = new("http://tracker.test/announce");
    private static readonly TrackerOptions Options = new();

    private static AnnounceResponse Parse(BDictionary body, TrackerOptions? options = null) =>
        HttpTrackerResponse.ParseAnnounce(body.Encode(), options ?? Options, Tracker);

    private static TrackerError ErrorOf(BDictionary body, TrackerOptions? options = null) =>
        Assert.Throws<TrackerException>(() => Parse(body, options)).Error;

    [Fact]
    public void Compact_peers_and_peers6_are_read_with_every_field()
    {
        byte[] peers = [127, 0, 0, 1, 0x1A, 0xE1, 10, 1, 2, 3, 0, 80];
        byte[] peers6 = [.. IPAddress.IPv6Loopback.GetAddressBytes(), 0x1A, 0xE2];
        var response = Parse(new BDictionary
        {
            { "interval", 1800 }, { "min interval", 900 }, { "complete", 5 }, { "incomplete", 7 },
            { "tracker id", "abc" }, { "warning message", "slow down" }, { "peers", peers }, { "peers6", peers6 },
        });

        Assert.Equal(TimeSpan.FromSeconds(1800), response.Interval);
        Assert.Equal(TimeSpan.FromSeconds(900), response.MinInterval);
        Assert.Equal(5, response.Complete);
        Assert.Equal(7, response.Incomplete);
        Assert.Equal("abc", response.TrackerId);
        Assert.Equal("slow down", response.WarningMessage);
        Assert.Equal(
            [new IPEndPoint(IPAddress.Loopback, 6881), new IPEndPoint(IPAddress.Parse("10.1.2.3"), 80), new IPEndPoint(IPAddress.IPv6Loopback, 6882)],
            response.Peers.Select(p => p.EndPoint));
    }

    [Fact]
    public void The_dictionary_model_is_read_with_peer_ids_and_host_names_are_skipped()
    {
        var id = PeerId.CreateRandom();
        var response = Parse(new BDictionary
        {
            { "interval", 60 },
            { "peers", new BList([
                new BDictionary { { "peer id", id.ToArray() }, { "ip", "127.0.0.2" }, { "port", 6881 } },
                new BDictionary { { "ip", "::1" }, { "port", 6882 } },
                new BDictionary { { "ip", "tracker.example" }, { "port", 6883 } },
                new BDictionary { { "ip", "127.0.0.3" }, { "port", 70000 } },
            ]) },
        });

        Assert.Equal(2, response.Peers.Count);
        Assert.Equal(new TrackerPeer(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 6881), id), response.Peers[0]);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 6882), response.Peers[1].EndPoint);
        Assert.Null(response.Peers[1].PeerId);
    }

    [Fact]
    public void A_failure_reason_is_a_failure_with_the_trackers_text()
    {
        var e = Assert.Throws<TrackerException>(() => Parse(new BDictionary { { "failure reason", "torrent not registered" } }));
        Assert.Equal(TrackerError.Failure, e.Error);
        Assert.Equal("torrent not registered", e.Detail);
    }

    [Theory]
    [InlineData("peers", 7)]
    [InlineData("peers", 5)]
    [InlineData("peers6", 17)]
    [InlineData("peers6", 6)]
    public void A_compact_list_of_the_wrong_length_is_an_invalid_peer_list(string key, int length) =>
        Assert.Equal(TrackerError.InvalidPeerList, ErrorOf(new BDictionary { { "interval", 60 }, { key, new byte[length] } }));

    [Fact]
    public void More_peers_than_the_limit_is_too_many_peers()
    {
        var options = new TrackerOptions { MaxPeers = 3 };
        Assert.Equal(TrackerError.TooManyPeers, ErrorOf(new BDictionary { { "peers", new byte[6 * 4] } }, options));
        Assert.Equal(TrackerError.TooManyPeers, ErrorOf(new BDictionary { { "peers", new byte[6 * 2] }, { "peers6", new byte[18 * 2] } }, options));
        var dictionaries = new BList(Enumerable.Range(0, 4).Select(i => (BValue)new BDictionary { { "ip", "127.0.0.1" }, { "port", 1000 + i } }));
        Assert.Equal(TrackerError.TooManyPeers, ErrorOf(new BDictionary { { "peers", dictionaries } }, options));
        Assert.Equal(3, Parse(new BDictionary { { "peers", new byte[6 * 3] } }, options).Peers.Count);
    }

    [Theory]
    [InlineData(-5, 30)]
    [InlineData(0, 30)]
    [InlineData(1L << 40, 7200)]
    [InlineData(long.MaxValue, 7200)]
    [InlineData(600, 600)]
    public void Intervals_are_clamped(long sent, int expectedSeconds)
    {
        var response = Parse(new BDictionary { { "interval", sent }, { "min interval", sent }, { "peers", Array.Empty<byte>() } });
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), response.Interval);
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), response.MinInterval);
    }

    [Fact]
    public void A_missing_interval_is_the_default() =>
        Assert.Equal(Options.DefaultInterval, Parse(new BDictionary { { "peers", Array.Empty<byte>() } }).Interval);

    [Theory]
    [InlineData("")]
    [InlineData("<html>not bencode</html>")]
    [InlineData("le")]
    [InlineData("d8:intervali1800e")]
    [InlineData("d8:interval4:soone")]
    [InlineData("d5:peersi5ee")]
    public void Malformed_bodies_are_invalid_responses(string body)
    {
        var e = Assert.Throws<TrackerException>(() => HttpTrackerResponse.ParseAnnounce(System.Text.Encoding.ASCII.GetBytes(body), Options, Tracker));
        Assert.Equal(TrackerError.InvalidResponse, e.Error);
    }

    [Fact]
    public void A_scrape_body_gives_the_counts_per_info_hash()
    {
        var hash = InfoHash.Parse("0123456789abcdef0123456789abcdef01234567");
        var body = new BDictionary
        {
            { "files", new BDictionary { [new BString(hash.ToArray())] = new BDictionary { { "complete", 3 }, { "downloaded", 9 }, { "incomplete", 4 } } } },
        };
        var scrape = HttpTrackerResponse.ParseScrape(body.Encode(), Tracker);
        Assert.Equal(new ScrapeEntry(3, 9, 4), scrape.Files[hash]);
    }

    [Fact]
    public void A_scrape_key_sent_as_utf8_of_latin1_characters_is_read_back_to_the_hash()
    {
        // The npm bittorrent-tracker server bencodes the binary hash string as UTF-8: bytes 0x80-0xFF take two bytes.
        var hash = InfoHash.Parse("ff00800102030405060708090a0b0c0d0e0f7fc3");
        var key = System.Text.Encoding.UTF8.GetBytes(hash.ToArray().Select(b => (char)b).ToArray());
        Assert.Equal(23, key.Length);
        var body = new BDictionary { { "files", new BDictionary { [new BString(key)] = new BDictionary { { "complete", 2 } } } } };
        Assert.Equal(new ScrapeEntry(2, 0, 0), HttpTrackerResponse.ParseScrape(body.Encode(), Tracker).Files[hash]);
    }
}
