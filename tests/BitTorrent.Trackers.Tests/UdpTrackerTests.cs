using System.Buffers.Binary;
using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Trackers.Tests;

/// <summary>Our BEP 15 client against a scripted UDP tracker on loopback.</summary>
public class UdpTrackerTests
{
    private static readonly InfoHash Hash = InfoHash.Parse("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
    private static readonly AnnounceRequest Request = new(Hash, PeerId.CreateRandom(), 6881)
    {
        Event = TrackerEvent.Started, Left = 1000, Key = 0x01020304, NumWant = 20,
    };

    private static readonly byte[] TwoPeers = [127, 0, 0, 2, 0x1A, 0xE1, 127, 0, 0, 3, 0x1A, 0xE2];

    /// <summary>A well-behaved tracker: connect, then announce with two peers or scrape with fixed counts.</summary>
    private static IEnumerable<byte[]> Honest(byte[] request) => ScriptedUdpTracker.Action(request) switch
    {
        0 => [ScriptedUdpTracker.ConnectReply(request)],
        1 => [ScriptedUdpTracker.AnnounceReply(request, 1200, 4, 5, TwoPeers)],
        2 => [Scrape(request)],
        _ => [],
    };

    private static byte[] Scrape(byte[] request)
    {
        int hashes = (request.Length - 16) / 20;
        var reply = ScriptedUdpTracker.Header(2, ScriptedUdpTracker.TransactionId(request), 12 * hashes);
        for (int i = 0; i < hashes; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(reply.AsSpan(8 + 12 * i), 10 + i);
            BinaryPrimitives.WriteInt32BigEndian(reply.AsSpan(12 + 12 * i), 20 + i);
            BinaryPrimitives.WriteInt32BigEndian(reply.AsSpan(16 + 12 * i), 30 + i);
        }
        return reply;
    }

    [Fact]
    public async Task Connect_then_announce_sends_bep15_fields_and_bep41_url_data()
    {
        await using var server = new ScriptedUdpTracker(Honest);
        using var client = new TrackerClient();
        var response = await client.GetTracker(server.Url("/announce?passkey=p")).AnnounceAsync(Request).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.FromSeconds(1200), response.Interval);
        Assert.Equal((4, 5), (response.Incomplete, response.Complete));
        Assert.Equal([new IPEndPoint(IPAddress.Parse("127.0.0.2"), 6881), new IPEndPoint(IPAddress.Parse("127.0.0.3"), 6882)], response.Peers.Select(p => p.EndPoint));

        var connect = await server.NextRequestAsync();
        Assert.Equal(16, connect.Length);
        Assert.Equal(0x41727101980, BinaryPrimitives.ReadInt64BigEndian(connect));
        var announce = await server.NextRequestAsync();
        Assert.Equal(0x1122334455667788, BinaryPrimitives.ReadInt64BigEndian(announce));
        Assert.Equal(Hash.ToArray(), announce[16..36]);
        Assert.Equal(Request.PeerId.ToArray(), announce[36..56]);
        Assert.Equal(1000, BinaryPrimitives.ReadInt64BigEndian(announce.AsSpan(64)));
        Assert.Equal(2, BinaryPrimitives.ReadInt32BigEndian(announce.AsSpan(80)));
        Assert.Equal(0x01020304u, BinaryPrimitives.ReadUInt32BigEndian(announce.AsSpan(88)));
        Assert.Equal(20, BinaryPrimitives.ReadInt32BigEndian(announce.AsSpan(92)));
        Assert.Equal(6881, BinaryPrimitives.ReadUInt16BigEndian(announce.AsSpan(96)));
        byte[] url = Encoding.ASCII.GetBytes("/announce?passkey=p");
        Assert.Equal([2, (byte)url.Length, .. url], announce[98..]);
    }

    [Fact]
    public async Task The_connection_id_is_reused_for_one_minute()
    {
        var time = new FakeTimeProvider();
        await using var server = new ScriptedUdpTracker(Honest);
        using var client = new TrackerClient(new TrackerOptions { TimeProvider = time });
        var tracker = client.GetTracker(server.Url());

        await tracker.AnnounceAsync(Request).WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(59));
        await tracker.AnnounceAsync(Request).WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(2));
        await tracker.AnnounceAsync(Request).WaitAsync(TimeSpan.FromSeconds(30));

        server.Requests.Writer.Complete();
        var actions = await server.Requests.Reader.ReadAllAsync().Select(ScriptedUdpTracker.Action).ToArrayAsync();
        Assert.Equal([0, 1, 1, 0, 1], actions);
    }

    [Fact]
    public async Task A_silent_tracker_is_retried_after_15_then_30_seconds_and_then_times_out()
    {
        var time = new FakeTimeProvider();
        await using var server = new ScriptedUdpTracker(_ => []);
        using var client = new TrackerClient(new TrackerOptions { TimeProvider = time, UdpMaxRetransmissions = 2 });
        var announce = client.GetTracker(server.Url()).AnnounceAsync(Request);

        var first = await server.NextRequestAsync();
        time.Advance(TimeSpan.FromSeconds(14));
        Assert.False(server.Requests.Reader.TryRead(out _));
        time.Advance(TimeSpan.FromSeconds(1));
        var second = await server.NextRequestAsync();
        Assert.Equal(0, ScriptedUdpTracker.Action(second));
        Assert.NotEqual(ScriptedUdpTracker.TransactionId(first), ScriptedUdpTracker.TransactionId(second));
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(server.Requests.Reader.TryRead(out _));
        time.Advance(TimeSpan.FromSeconds(1));
        await server.NextRequestAsync();
        time.Advance(TimeSpan.FromSeconds(60));

        var e = await Assert.ThrowsAsync<TrackerException>(() => announce.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(TrackerError.Timeout, e.Error);
    }

    [Fact]
    public async Task A_late_answer_to_an_earlier_attempt_is_ignored()
    {
        var time = new FakeTimeProvider();
        byte[]? firstConnect = null;
        await using var server = new ScriptedUdpTracker(request =>
        {
            if (ScriptedUdpTracker.Action(request) != 0) return Honest(request);
            if (firstConnect is null) { firstConnect = request; return []; }
            // The answer to the first attempt arrives late, then the real one.
            return [ScriptedUdpTracker.ConnectReply(firstConnect, 1), ScriptedUdpTracker.ConnectReply(request)];
        });
        using var client = new TrackerClient(new TrackerOptions { TimeProvider = time });
        var announce = client.GetTracker(server.Url()).AnnounceAsync(Request);
        await server.NextRequestAsync();
        time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(2, (await announce.WaitAsync(TimeSpan.FromSeconds(30))).Peers.Count);
    }

    [Fact]
    public async Task A_wrong_transaction_id_is_a_mismatch()
    {
        var e = await FailsAsync(request => [ScriptedUdpTracker.Header(0, ScriptedUdpTracker.TransactionId(request) ^ 0x5555, 8)]);
        Assert.Equal(TrackerError.TransactionIdMismatch, e.Error);
    }

    [Fact]
    public async Task A_wrong_action_is_unexpected()
    {
        var e = await FailsAsync(request => ScriptedUdpTracker.Action(request) == 0
            ? [ScriptedUdpTracker.ConnectReply(request)]
            : [ScriptedUdpTracker.Header(2, ScriptedUdpTracker.TransactionId(request), 12)]);
        Assert.Equal(TrackerError.UnexpectedAction, e.Error);
    }

    [Fact]
    public async Task An_error_action_is_a_failure_with_the_trackers_text()
    {
        var e = await FailsAsync(request => [[.. ScriptedUdpTracker.Header(3, ScriptedUdpTracker.TransactionId(request)), .. "no such torrent"u8]]);
        Assert.Equal((TrackerError.Failure, "no such torrent"), (e.Error, e.Detail));
    }

    [Fact]
    public async Task A_peer_list_that_is_not_a_multiple_of_6_is_invalid()
    {
        var e = await FailsAsync(request => ScriptedUdpTracker.Action(request) == 0
            ? [ScriptedUdpTracker.ConnectReply(request)]
            : [ScriptedUdpTracker.AnnounceReply(request, 60, 0, 0, new byte[7])]);
        Assert.Equal(TrackerError.InvalidPeerList, e.Error);
    }

    [Fact]
    public async Task A_short_datagram_is_an_invalid_response()
    {
        var e = await FailsAsync(request => [new byte[5]]);
        Assert.Equal(TrackerError.InvalidResponse, e.Error);
    }

    [Fact]
    public async Task Negative_and_absurd_intervals_are_clamped()
    {
        foreach (var (sent, expected) in new[] { (-1, 30), (0, 30), (int.MaxValue, 7200) })
        {
            await using var server = new ScriptedUdpTracker(request => ScriptedUdpTracker.Action(request) == 0
                ? [ScriptedUdpTracker.ConnectReply(request)]
                : [ScriptedUdpTracker.AnnounceReply(request, sent, 0, 0, [])]);
            using var client = new TrackerClient();
            var response = await client.GetTracker(server.Url()).AnnounceAsync(Request).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(TimeSpan.FromSeconds(expected), response.Interval);
        }
    }

    [Fact]
    public async Task An_ipv6_tracker_answers_with_18_byte_peers()
    {
        byte[] peer = [.. IPAddress.IPv6Loopback.GetAddressBytes(), 0x1A, 0xE1];
        await using var server = new ScriptedUdpTracker(request => ScriptedUdpTracker.Action(request) == 0
            ? [ScriptedUdpTracker.ConnectReply(request)]
            : [ScriptedUdpTracker.AnnounceReply(request, 60, 0, 1, [.. peer, .. peer])], IPAddress.IPv6Loopback);
        using var client = new TrackerClient();
        var response = await client.GetTracker(server.Url()).AnnounceAsync(Request).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, response.Peers.Count);
        Assert.All(response.Peers, p => Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 6881), p.EndPoint));
    }

    [Fact]
    public async Task A_scrape_of_100_hashes_goes_in_two_datagrams_and_maps_the_counts_back()
    {
        var hashes = Enumerable.Range(0, 100).Select(i => new InfoHash([.. new byte[19], (byte)i])).ToArray();
        await using var server = new ScriptedUdpTracker(Honest);
        using var client = new TrackerClient();
        var scrape = await client.GetTracker(server.Url()).ScrapeAsync(hashes).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(100, scrape.Files.Count);
        Assert.Equal(new ScrapeEntry(10, 20, 30), scrape.Files[hashes[0]]);
        Assert.Equal(new ScrapeEntry(10 + 73, 20 + 73, 30 + 73), scrape.Files[hashes[73]]);
        Assert.Equal(new ScrapeEntry(10, 20, 30), scrape.Files[hashes[74]]);
        Assert.Equal(new ScrapeEntry(10 + 25, 20 + 25, 30 + 25), scrape.Files[hashes[99]]);
    }

    private static async Task<TrackerException> FailsAsync(Func<byte[], IEnumerable<byte[]>> respond)
    {
        await using var server = new ScriptedUdpTracker(respond);
        using var client = new TrackerClient();
        return await Assert.ThrowsAsync<TrackerException>(() => client.GetTracker(server.Url()).AnnounceAsync(Request).WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
