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
        // Stop once the answer to completed is in: stopping earlier rightly sends the unconfirmed completed again first.
        int replies = 0;
        await alerts.WaitForAsync(a => a is TrackerReplyAlert && ++replies == 2).WaitAsync(Bound);
        Assert.True(download.Trackers.Single().IsWorking);

        await download.StopAsync().AsTask().WaitAsync(Bound);
        Assert.Equal(TrackerEvent.Stopped, (await tracker.NextAsync(leecher.ListenPort)).Event);
        await seed.StopAsync().AsTask().WaitAsync(Bound);
        var seederStopped = await tracker.NextAsync(seeder.ListenPort);
        Assert.Equal((TrackerEvent.Stopped, 0L), (seederStopped.Event, seederStopped.Left));
        Assert.True(seederStopped.Uploaded >= total, $"uploaded {seederStopped.Uploaded}");
    }

    [Fact]
    public async Task A_magnet_links_tracker_leads_to_the_seeder_before_the_size_is_known()
    {
        using var content = await TestContent.CreateAsync([250_000, 10_000], pieceLength: 16 * 1024);
        await using var tracker = new ScriptedTracker("udp");
        await using var seeder = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        await using var leecher = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        var seed = await seeder.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.SeedDirectory });
        await seed.WaitForCompletionAsync().WaitAsync(Bound);
        tracker.Peers = [seeder.ListenPort];

        var magnet = new BitTorrent.Extensions.MagnetLink(content.Torrent.Info.InfoHash, trackers: [tracker.Url]);
        var target = content.NewDirectory("magnet");
        var download = await leecher.AddAsync(magnet, new TorrentOptions { SaveDirectory = target });
        // Started at once, with a non-zero left (16 KiB) while the size is unknown: left=0 would make us a seed.
        Assert.Equal(new Announce(TrackerEvent.Started, leecher.ListenPort, 0, 0, 16 * 1024), await tracker.NextAsync(leecher.ListenPort));
        await download.WaitForCompletionAsync().WaitAsync(Bound);
        content.AssertSameFiles(target);
        var completed = await tracker.NextAsync(leecher.ListenPort);
        Assert.Equal((TrackerEvent.Completed, 0L), (completed.Event, completed.Left));
    }

    [Fact]
    public async Task A_torrent_that_stops_as_it_completes_announces_completed_then_stopped()
    {
        using var content = await TestContent.CreateAsync([120_000], pieceLength: 16 * 1024);
        await using var tracker = new ScriptedTracker("http");
        await using var seeder = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        await using var leecher = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        var seed = await seeder.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.SeedDirectory });
        await seed.WaitForCompletionAsync().WaitAsync(Bound);
        tracker.Peers = [seeder.ListenPort];

        var download = await leecher.AddAsync(content.Torrent, new TorrentOptions
        {
            SaveDirectory = content.NewDirectory("leecher"), Trackers = [tracker.Url], SeedAfterDownload = false,
        });
        var events = new List<TrackerEvent>();
        while (events.LastOrDefault() != TrackerEvent.Stopped) events.Add((await tracker.NextAsync(leecher.ListenPort)).Event);
        await download.WaitForCompletionAsync().WaitAsync(Bound);

        Assert.Equal(TrackerEvent.Started, events[0]);
        Assert.Contains(TrackerEvent.Completed, events);
        Assert.Equal(TorrentState.Stopped, download.State);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task A_refusing_tracker_raises_an_alert_and_the_download_completes_from_another_source(string protocol)
    {
        using var content = await TestContent.CreateAsync([200_000], pieceLength: 16 * 1024);
        await using var tracker = new ScriptedTracker(protocol) { Refusal = "unregistered torrent" };
        await using var seeder = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        await using var leecher = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        await using var alerts = new AlertWatcher(leecher);
        var seed = await seeder.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.SeedDirectory });
        await seed.WaitForCompletionAsync().WaitAsync(Bound);

        var target = content.NewDirectory("leecher");
        var download = await leecher.AddAsync(content.Torrent, new TorrentOptions
        {
            SaveDirectory = target, Trackers = [tracker.Url], Peers = [LoopbackSwarmTests.EndPointOf(seeder)],
        });
        var error = (TrackerErrorAlert)await alerts.WaitForAsync(a => a is TrackerErrorAlert).WaitAsync(Bound);
        Assert.Equal((tracker.Url, TrackerError.Failure, "unregistered torrent"), (error.Tracker, error.Error, error.Message));
        await download.WaitForCompletionAsync().WaitAsync(Bound);
        content.AssertSameFiles(target);
        Assert.False(download.Trackers.Single().IsWorking);
        // The refusing tracker never accepted a started announce: every retry (completing triggers one) is a started
        // announce again, and stopping tells it nothing.
        await download.StopAsync().AsTask().WaitAsync(Bound);
        Assert.Equal(TrackerEvent.Started, (await tracker.NextAsync(leecher.ListenPort)).Event);
        while (tracker.TryNext(leecher.ListenPort, out var retry)) Assert.Equal(TrackerEvent.Started, retry.Event);
    }

    [Fact]
    public async Task Announcing_can_be_turned_off()
    {
        using var content = await TestContent.CreateAsync([20_000], pieceLength: 16 * 1024);
        await using var tracker = new ScriptedTracker("http");
        await using var engine = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        var torrent = new Torrent(content.Torrent.Info, [[tracker.Url.ToString()]]);
        var seed = await engine.AddAsync(torrent, new TorrentOptions { SaveDirectory = content.SeedDirectory, AnnounceToTrackers = false });
        await seed.WaitForCompletionAsync().WaitAsync(Bound);
        await seed.StopAsync().AsTask().WaitAsync(Bound);
        Assert.Empty(seed.Trackers);
        Assert.False(tracker.TryNext(engine.ListenPort, out _));
    }

    [Fact]
    public async Task The_torrent_re_announces_on_the_trackers_interval_on_virtual_time()
    {
        using var content = await TestContent.CreateAsync([100_000], pieceLength: 16 * 1024);
        await using var tracker = new ScriptedTracker("http") { Interval = 120 };
        var time = new TimerWatchingClock();
        await using var engine = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions() with { TimeProvider = time });
        int port = engine.ListenPort;
        var interval = time.NextTimer(TimeSpan.FromSeconds(120));
        await engine.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.NewDirectory("empty"), Trackers = [tracker.Url] });

        Assert.Equal(TrackerEvent.Started, (await tracker.NextAsync(port)).Event);
        await interval.WaitAsync(Bound);
        time.Advance(TimeSpan.FromSeconds(119));
        Assert.False(tracker.TryNext(port, out _));
        interval = time.NextTimer(TimeSpan.FromSeconds(120));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new Announce(TrackerEvent.None, port, 0, 0, 100_000), await tracker.NextAsync(port));

        await interval.WaitAsync(Bound);
        time.Advance(TimeSpan.FromSeconds(120));
        Assert.Equal(TrackerEvent.None, (await tracker.NextAsync(port)).Event);
    }

    [Fact]
    public async Task Stopping_waits_for_a_silent_tracker_only_until_the_stop_timeout()
    {
        using var content = await TestContent.CreateAsync([20_000], pieceLength: 16 * 1024);
        await using var tracker = new ScriptedTracker("http") { IgnoreStopped = true };
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = LoopbackSwarmTests.LoopbackOptions() with { TimeProvider = time, TrackerStopTimeout = TimeSpan.FromSeconds(5) };
        await using var engine = await ClientEngine.StartAsync(options);
        await using var alerts = new AlertWatcher(engine);
        var seed = await engine.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.SeedDirectory, Trackers = [tracker.Url] });
        Assert.Equal(TrackerEvent.Started, (await tracker.NextAsync(engine.ListenPort)).Event);
        await Answered(alerts, 1);

        var stopping = seed.StopAsync().AsTask();
        Assert.Equal(TrackerEvent.Stopped, (await tracker.NextAsync(engine.ListenPort)).Event);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(stopping.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await stopping.WaitAsync(Bound);
        Assert.Equal(TorrentState.Stopped, seed.State);
    }

    /// <summary>Waits (bounded) for the tracker's <paramref name="count"/>-th answer, after which the next interval is armed.</summary>
    private static Task Answered(AlertWatcher alerts, int count) =>
        alerts.WaitForAsync(_ => alerts.Seen.OfType<TrackerReplyAlert>().Count() >= count).WaitAsync(Bound);
}
