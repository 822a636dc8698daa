using BitTorrent.Metainfo;
using BitTorrent.Trackers;
using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Client.Tests.Trackers;

/// <summary>The engine's torrents announcing to scripted HTTP and UDP trackers on 127.0.0.1.</summary>
public sealed class EngineTrackerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public static TheoryData<string> Protocols => new() { "http", "udp" };

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Started_completed_and_stopped_go_out_at_the_right_moments_and_the_leecher_finds_the_seeder_through_the_tracker(string protocol)
    {
        using var content = await TestContent.CreateAsync([300_000, 40_000], pieceLength: 32 * 1024);
        await using var tracker = new ScriptedTracker(protocol);
        await using var seeder = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        await using var leecher = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        await using var alerts = new AlertWatcher(leecher);
        tracker.Peers = [seeder.ListenPort];
        long total = content.Torrent.Info.TotalLength;

        // The seeder's torrent lists the tracker (announce-list); it was complete at start: started with left 0, never completed.
        var withTracker = new Torrent(content.Torrent.Info, [[tracker.Url.ToString()]]);
        var seed = await seeder.AddAsync(withTracker, new TorrentOptions { SaveDirectory = content.SeedDirectory });
        Assert.Equal(new Announce(TrackerEvent.Started, seeder.ListenPort, 0, 0, 0), await tracker.NextAsync(seeder.ListenPort));

        // The leecher knows no peer: only the tracker (given in its options) can lead it to the seeder.
        var target = content.NewDirectory("leecher");
        var download = await leecher.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = target, Trackers = [tracker.Url] });
        Assert.Equal(new Announce(TrackerEvent.Started, leecher.ListenPort, 0, 0, total), await tracker.NextAsync(leecher.ListenPort));
        await download.WaitForCompletionAsync().WaitAsync(Bound);
        content.AssertSameFiles(target);
        var connected = (PeerConnectedAlert)await alerts.WaitForAsync(a => a is PeerConnectedAlert).WaitAsync(Bound);
        Assert.Equal(PeerSource.Tracker, connected.Peer.Source);
        var reply = (TrackerReplyAlert)await alerts.WaitForAsync(a => a is TrackerReplyAlert).WaitAsync(Bound);
        Assert.Equal((tracker.Url, 1, TimeSpan.FromSeconds(1800)), (reply.Tracker, reply.PeerCount, reply.Interval));

        var completed = await tracker.NextAsync(leecher.ListenPort);
        Assert.Equal((TrackerEvent.Completed, 0L), (completed.Event, completed.Left));
        Assert.True(completed.Downloaded >= total, $"downloaded {completed.Downloaded}");
        Assert.True(download.Trackers.Single().IsWorking);

        await download.StopAsync().AsTask().WaitAsync(Bound);
        Assert.Equal(TrackerEvent.Stopped, (await tracker.NextAsync(leecher.ListenPort)).Event);
        await seed.StopAsync().AsTask().WaitAsync(Bound);
        var seederStopped = await tracker.NextAsync(seeder.ListenPort);
        Assert.Equal((TrackerEvent.Stopped, 0L), (seederStopped.Event, seederStopped.Left));
        Assert.True(seederStopped.Uploaded >= total, $"uploaded {seederStopped.Uploaded}");
    }

    [Fact]
    public async Task The_torrent_re_announces_on_the_trackers_interval_on_virtual_time()
    {
        using var content = await TestContent.CreateAsync([100_000], pieceLength: 16 * 1024);
        await using var tracker = new ScriptedTracker("http") { Interval = 120 };
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var engine = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions() with { TimeProvider = time });
        await using var alerts = new AlertWatcher(engine);
        int port = engine.ListenPort;
        await engine.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.NewDirectory("empty"), Trackers = [tracker.Url] });

        Assert.Equal(TrackerEvent.Started, (await tracker.NextAsync(port)).Event);
        await Answered(alerts, 1);
        time.Advance(TimeSpan.FromSeconds(119));
        Assert.False(tracker.TryNext(port, out _));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new Announce(TrackerEvent.None, port, 0, 0, 100_000), await tracker.NextAsync(port));

        await Answered(alerts, 2);
        time.Advance(TimeSpan.FromSeconds(120));
        Assert.Equal(TrackerEvent.None, (await tracker.NextAsync(port)).Event);
    }

    /// <summary>Waits (bounded) for the tracker's <paramref name="count"/>-th answer, after which the next interval is armed.</summary>
    private static Task Answered(AlertWatcher alerts, int count) =>
        alerts.WaitForAsync(_ => alerts.Seen.OfType<TrackerReplyAlert>().Count() >= count).WaitAsync(Bound);
}
