using System.Net;
using System.Threading.Channels;
using BitTorrent.Trackers;

namespace BitTorrent.Interop.Tests.Trackers;

/// <summary>
/// Our tracker client against real trackers on 127.0.0.1, over HTTP and UDP: Debian's opentracker and the WebTorrent
/// project's bittorrent-tracker server. Two announces with different peer ids and ports: the second must list the
/// first; scrape counts follow started, completed and stopped.
/// </summary>
public class TrackerInteropTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static TheoryData<string, string> Trackers => new()
    {
        { "opentracker", "http" }, { "opentracker", "udp" }, { "bittorrent-tracker", "http" }, { "bittorrent-tracker", "udp" },
    };

    private static Task<TrackerProcess> StartAsync(string name, InfoHash hash) =>
        name == "opentracker" ? TrackerProcess.StartOpentrackerAsync(hash) : TrackerProcess.StartBittorrentTrackerAsync();

    private static InfoHash NewHash() => new(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).Take(20).ToArray());

    [Theory]
    [MemberData(nameof(Trackers))]
    public async Task The_second_peer_gets_the_first_and_scrape_counts_follow(string name, string protocol)
    {
        var hash = NewHash();
        await using var process = await StartAsync(name, hash);
        using var client = new TrackerClient();
        var tracker = client.GetTracker(process.Announce(protocol));
        var first = new AnnounceRequest(hash, PeerId.CreateRandom(), 50001) { Left = 1000, Event = TrackerEvent.Started, NumWant = 50 };
        var second = new AnnounceRequest(hash, PeerId.CreateRandom(), 50002) { Left = 1000, Event = TrackerEvent.Started, NumWant = 50 };

        await tracker.AnnounceAsync(first).WaitAsync(Bound);
        var answer = await tracker.AnnounceAsync(second).WaitAsync(Bound);
        Assert.Contains(new IPEndPoint(IPAddress.Loopback, 50001), answer.Peers.Select(p => p.EndPoint));
        Assert.True(answer.Interval >= client.Options.MinimumInterval);
        Assert.Equal(2, answer.Incomplete);

        Assert.Equal(new ScrapeEntry(Complete: 0, Downloaded: 0, Incomplete: 2), await ScrapeAsync(tracker, hash));

        await tracker.AnnounceAsync(first with { Left = 0, Downloaded = 1000, Event = TrackerEvent.Completed }).WaitAsync(Bound);
        Assert.Equal(new ScrapeEntry(Complete: 1, Downloaded: 1, Incomplete: 1), await ScrapeAsync(tracker, hash));

        await tracker.AnnounceAsync(second with { Event = TrackerEvent.Stopped }).WaitAsync(Bound);
        Assert.Equal(new ScrapeEntry(Complete: 1, Downloaded: 1, Incomplete: 0), await ScrapeAsync(tracker, hash));
    }

    [Theory]
    [MemberData(nameof(Trackers))]
    public async Task Two_managers_find_each_other_through_the_tracker(string name, string protocol)
    {
        var hash = NewHash();
        await using var process = await StartAsync(name, hash);
        using var client = new TrackerClient();
        var tiers = new[] { new[] { process.Announce(protocol) } };
        await using var seeder = new TrackerManager(client, new TrackerTiers(tiers), hash, PeerId.CreateRandom(), 50011, () => new TransferStats(0, 0, 0));
        await using var leecher = new TrackerManager(client, new TrackerTiers(tiers), hash, PeerId.CreateRandom(), 50012, () => new TransferStats(0, 0, 1000));
        var seederAnnounced = new TaskCompletionSource<TrackerStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        seeder.StatusChanged += (_, e) => seederAnnounced.TrySetResult(e.Status);
        var found = Channel.CreateUnbounded<TrackerPeersEventArgs>();
        leecher.PeersReceived += (_, e) => found.Writer.TryWrite(e);

        seeder.Start();
        var status = await seederAnnounced.Task.WaitAsync(Bound);
        Assert.True(status.IsWorking, status.LastError?.Message);
        leecher.Start();
        var peers = await found.Reader.ReadAsync().AsTask().WaitAsync(Bound);
        Assert.Contains(new IPEndPoint(IPAddress.Loopback, 50011), peers.Peers.Select(p => p.EndPoint));

        using var stopBound = new CancellationTokenSource(Bound);
        await seeder.StopAsync(stopBound.Token);
        await leecher.StopAsync(stopBound.Token);
        Assert.Equal(new ScrapeEntry(0, 0, 0), await ScrapeAsync(client.GetTracker(process.Announce(protocol)), hash));
    }

    private static async Task<ScrapeEntry> ScrapeAsync(ITracker tracker, InfoHash hash)
    {
        var scrape = await tracker.ScrapeAsync([hash]).WaitAsync(Bound);
        return scrape.Files.TryGetValue(hash, out var entry) ? entry : default;
    }
}
