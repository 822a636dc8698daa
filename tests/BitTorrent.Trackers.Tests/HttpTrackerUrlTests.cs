namespace BitTorrent.Trackers.Tests;

public class HttpTrackerUrlTests
{
    // Bytes that must be escaped ('&', '=', '%', ' ', '?', 0x00, 0xFF) next to ones that must not ('a', '-', '~').
    private static readonly InfoHash Hash = new([0x26, 0x3D, 0x25, 0x20, 0x3F, 0x00, 0xFF, 0x61, 0x2D, 0x7E, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    private static readonly PeerId Peer = new("-BN0001-abcdefghijkl"u8);

    [Fact]
    public void Announce_encodes_raw_bytes_and_every_parameter_after_an_existing_passkey()
    {
        var request = new AnnounceRequest(Hash, Peer, 6881)
        {
            Uploaded = 1, Downloaded = 2, Left = 3, Event = TrackerEvent.Started, NumWant = 50, Key = 0xCAFE, TrackerId = "t 1",
        };
        var url = HttpTrackerUrl.Announce(new Uri("http://t.test:8080/announce?passkey=xyz"), request);

        Assert.Equal("/announce", url.AbsolutePath);
        Assert.Equal(
            "?passkey=xyz&info_hash=%26%3D%25%20%3F%00%FFa-~%01%02%03%04%05%06%07%08%09%0A&peer_id=-BN0001-abcdefghijkl" +
            "&port=6881&uploaded=1&downloaded=2&left=3&compact=1&event=started&numwant=50&key=0000cafe&trackerid=t%201",
            url.Query);
    }

    [Fact]
    public void Announce_without_an_event_or_numwant_leaves_them_out()
    {
        var url = HttpTrackerUrl.Announce(new Uri("http://t.test/announce"), new AnnounceRequest(Hash, Peer, 1));
        Assert.DoesNotContain("event=", url.Query);
        Assert.DoesNotContain("numwant=", url.Query);
        Assert.StartsWith("?info_hash=", url.Query);
    }

    [Theory]
    [InlineData("http://t.test/announce", "http://t.test/scrape")]
    [InlineData("http://t.test/x/announce.php", "http://t.test/x/scrape.php")]
    [InlineData("http://t.test/announce?passkey=1", "http://t.test/scrape?passkey=1")]
    [InlineData("https://t.test:8443/p/announce", "https://t.test:8443/p/scrape")]
    public void Scrape_replaces_announce_in_the_last_segment(string announce, string scrape)
    {
        var url = HttpTrackerUrl.Scrape(new Uri(announce), [Hash])!;
        Assert.StartsWith(scrape, url.AbsoluteUri);
        Assert.EndsWith("info_hash=%26%3D%25%20%3F%00%FFa-~%01%02%03%04%05%06%07%08%09%0A", url.Query);
    }

    [Theory]
    [InlineData("http://t.test/a")]
    [InlineData("http://t.test/announce/x")]
    [InlineData("http://t.test/x%064announce")]
    public void Scrape_is_unsupported_when_the_last_segment_does_not_start_with_announce(string announce) =>
        Assert.Null(HttpTrackerUrl.Scrape(new Uri(announce), [Hash]));
}
