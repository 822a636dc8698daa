using System.IO.Compression;
using System.Text;
using BitTorrent.Bencode;
using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Trackers.Tests;

/// <summary>Our HTTP tracker client against a scripted tracker on 127.0.0.1: the good path and every hostile case.</summary>
public class HttpTrackerTests
{
    private static readonly AnnounceRequest Request = new(InfoHash.Parse("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), PeerId.CreateRandom(), 6881)
    {
        Event = TrackerEvent.Started, NumWant = 10,
    };

    private static byte[] Ok(int peers = 1) => ScriptedHttpTracker.Response(
        new BDictionary { { "interval", 900 }, { "peers", Enumerable.Range(1, peers).SelectMany(i => new byte[] { 127, 0, 0, (byte)i, 0x1A, 0xE1 }).ToArray() } }.Encode());

    private static async Task<TrackerException> FailsAsync(Func<string, byte[]?> respond, TrackerOptions? options = null)
    {
        await using var server = new ScriptedHttpTracker(respond);
        using var client = new TrackerClient(options);
        return await Assert.ThrowsAsync<TrackerException>(() => client.GetTracker(server.Url()).AnnounceAsync(Request).WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task An_announce_sends_the_query_and_reads_the_peers()
    {
        await using var server = new ScriptedHttpTracker(_ => Ok(2));
        using var client = new TrackerClient();
        var response = await client.GetTracker(server.Url()).AnnounceAsync(Request).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, response.Peers.Count);
        Assert.Equal(TimeSpan.FromSeconds(900), response.Interval);
        string target = await server.NextRequestAsync();
        Assert.StartsWith("/announce?info_hash=%AA%AA", target);
        Assert.Contains("&event=started&numwant=10&", target);
        Assert.Contains("&compact=1", target);
    }

    [Fact]
    public async Task Every_request_has_a_connection_of_its_own()
    {
        // opentracker answers HTTP/1.1 without a Connection header and then closes: a pooled connection reused for
        // the next announce or scrape was reset in CI. This tracker answers the same way but keeps the connection
        // open and reads no second request on it, so a reused connection would never be answered.
        var body = new BDictionary { { "interval", 900 }, { "peers", Array.Empty<byte>() } }.Encode();
        byte[] keepAlive = [.. Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n\r\n"), .. body];
        await using var server = new ScriptedHttpTracker(_ => keepAlive) { HoldAfterAnswer = true };
        using var client = new TrackerClient();
        var tracker = client.GetTracker(server.Url());

        for (int i = 0; i < 3; i++)
        {
            await tracker.AnnounceAsync(Request with { Event = TrackerEvent.None }).WaitAsync(TimeSpan.FromSeconds(30));
            string head = await server.Heads.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Contains("\r\nConnection: close\r\n", head, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task A_gzip_body_is_decompressed()
    {
        var body = new BDictionary { { "interval", 900 }, { "peers", new byte[] { 127, 0, 0, 9, 0, 80 } } }.Encode();
        var response = await AnnounceAsync(_ => ScriptedHttpTracker.Response(Gzip(body), "200 OK", "Content-Encoding: gzip"));
        Assert.Equal(80, Assert.Single(response.Peers).EndPoint.Port);
    }

    [Fact]
    public async Task A_gzip_bomb_stops_at_the_decompressed_cap()
    {
        // 16 MiB of one repeated byte compresses to about 16 KiB: well under the response cap, far over the decompressed cap.
        var bomb = Gzip(new byte[16 * 1024 * 1024]);
        var options = new TrackerOptions { MaxDecompressedBytes = 1024 * 1024 };
        Assert.True(bomb.Length < options.MaxResponseBytes);
        var e = await FailsAsync(_ => ScriptedHttpTracker.Response(bomb, "200 OK", "Content-Encoding: gzip"), options);
        Assert.Equal(TrackerError.DecompressedTooLarge, e.Error);
    }

    [Fact]
    public async Task A_body_over_the_cap_is_too_large_with_or_without_a_content_length()
    {
        var options = new TrackerOptions { MaxResponseBytes = 4096 };
        var big = ScriptedHttpTracker.Response(new byte[5000]);
        Assert.Equal(TrackerError.ResponseTooLarge, (await FailsAsync(_ => big, options)).Error);
        // No Content-Length: the body ends when the connection closes, and reading stops at the cap.
        var unannounced = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n").Concat(new byte[5000]).ToArray();
        Assert.Equal(TrackerError.ResponseTooLarge, (await FailsAsync(_ => unannounced, options)).Error);
    }

    [Fact]
    public async Task A_redirect_is_followed_within_http()
    {
        var response = await AnnounceAsync(target => target.StartsWith("/moved", StringComparison.Ordinal) ? Ok(3) : ScriptedHttpTracker.Redirect("/moved" + target));
        Assert.Equal(3, response.Peers.Count);
    }

    [Fact]
    public async Task A_redirect_loop_is_too_many_redirects()
    {
        int requests = 0;
        var e = await FailsAsync(_ => { Interlocked.Increment(ref requests); return ScriptedHttpTracker.Redirect("/announce"); }, new TrackerOptions { MaxRedirects = 3 });
        Assert.Equal(TrackerError.TooManyRedirects, e.Error);
        Assert.Equal(4, requests);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/announce")]
    [InlineData("file:///etc/passwd")]
    [InlineData("udp://127.0.0.1:1/announce")]
    public async Task A_redirect_to_another_scheme_is_refused(string location) =>
        Assert.Equal(TrackerError.RedirectNotAllowed, (await FailsAsync(_ => ScriptedHttpTracker.Redirect(location))).Error);

    [Fact]
    public async Task A_tracker_that_never_answers_times_out_on_the_time_provider()
    {
        var time = new FakeTimeProvider();
        await using var server = new ScriptedHttpTracker(_ => null);
        using var client = new TrackerClient(new TrackerOptions { TimeProvider = time, HttpTimeout = TimeSpan.FromSeconds(30) });
        var announce = client.GetTracker(server.Url()).AnnounceAsync(Request);
        await server.NextRequestAsync();
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(announce.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var e = await Assert.ThrowsAsync<TrackerException>(() => announce.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(TrackerError.Timeout, e.Error);
    }

    [Fact]
    public async Task The_callers_token_cancels_without_a_tracker_error()
    {
        await using var server = new ScriptedHttpTracker(_ => null);
        using var client = new TrackerClient();
        using var cts = new CancellationTokenSource();
        var announce = client.GetTracker(server.Url()).AnnounceAsync(Request, cts.Token);
        await server.NextRequestAsync();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => announce.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task An_error_status_surfaces_a_bencoded_failure_reason_or_else_the_status()
    {
        var failure = new BDictionary { { "failure reason", "unregistered torrent" } }.Encode();
        var e = await FailsAsync(_ => ScriptedHttpTracker.Response(failure, "400 Bad Request"));
        Assert.Equal((TrackerError.Failure, "unregistered torrent"), (e.Error, e.Detail));
        Assert.Equal(TrackerError.HttpStatus, (await FailsAsync(_ => ScriptedHttpTracker.Response("nope"u8.ToArray(), "404 Not Found"))).Error);
    }

    [Fact]
    public async Task A_closed_port_is_a_network_error()
    {
        var server = new ScriptedHttpTracker(_ => null);
        var url = server.Url();
        await server.DisposeAsync();
        using var client = new TrackerClient();
        var e = await Assert.ThrowsAsync<TrackerException>(() => client.GetTracker(url).AnnounceAsync(Request).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(TrackerError.NetworkError, e.Error);
    }

    [Fact]
    public async Task A_scrape_goes_to_the_scrape_url_and_reads_the_counts()
    {
        var hash = Request.InfoHash;
        var body = new BDictionary
        {
            { "files", new BDictionary { [new BString(hash.ToArray())] = new BDictionary { { "complete", 1 }, { "downloaded", 2 }, { "incomplete", 3 } } } },
        }.Encode();
        await using var server = new ScriptedHttpTracker(_ => ScriptedHttpTracker.Response(body));
        using var client = new TrackerClient();
        var tracker = client.GetTracker(server.Url());
        Assert.True(tracker.CanScrape);
        var scrape = await tracker.ScrapeAsync([hash]).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(new ScrapeEntry(1, 2, 3), scrape.Files[hash]);
        Assert.StartsWith("/scrape?info_hash=%AA", await server.NextRequestAsync());

        var noScrape = client.GetTracker(server.Url("/tracker"));
        Assert.False(noScrape.CanScrape);
        Assert.Equal(TrackerError.ScrapeNotSupported, (await Assert.ThrowsAsync<TrackerException>(() => noScrape.ScrapeAsync([hash]))).Error);
    }

    private static async Task<AnnounceResponse> AnnounceAsync(Func<string, byte[]?> respond)
    {
        await using var server = new ScriptedHttpTracker(respond);
        using var client = new TrackerClient();
        return await client.GetTracker(server.Url()).AnnounceAsync(Request).WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize)) gzip.Write(data);
        return output.ToArray();
    }
}
