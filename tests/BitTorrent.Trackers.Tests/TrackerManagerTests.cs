using System.Threading.Channels;
using BitTorrent.Bencode;
using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Trackers.Tests;

/// <summary>The manager on virtual time against scripted HTTP trackers on 127.0.0.1.</summary>
public class TrackerManagerTests
{
    private static readonly InfoHash Hash = InfoHash.Parse("cccccccccccccccccccccccccccccccccccccccc");
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static byte[] Answer(int interval = 1800, int minInterval = 300) => ScriptedHttpTracker.Response(new BDictionary
    {
        { "interval", interval }, { "min interval", minInterval }, { "complete", 1 }, { "peers", new byte[] { 127, 0, 0, 5, 0x1A, 0xE1 } },
    }.Encode());

    private static readonly byte[] Refusal = ScriptedHttpTracker.Response(new BDictionary { { "failure reason", "go away" } }.Encode());

    [Fact]
    public async Task Started_then_interval_then_completed_then_stopped()
    {
        var time = new FakeTimeProvider();
        await using var server = new ScriptedHttpTracker(_ => Answer());
        using var client = new TrackerClient(new TrackerOptions { TimeProvider = time });
        long left = 100;
        await using var manager = new TrackerManager(client, new TrackerTiers([[server.Url()]]), Hash, PeerId.CreateRandom(), 6881,
            () => new TransferStats(0, 100 - Volatile.Read(ref left), Volatile.Read(ref left)));
        var peers = Channel.CreateUnbounded<TrackerPeersEventArgs>();
        manager.PeersReceived += (_, e) => peers.Writer.TryWrite(e);
        var answers = Channel.CreateUnbounded<TrackerStatusEventArgs>();
        manager.StatusChanged += (_, e) => answers.Writer.TryWrite(e);

        manager.Start();
        Assert.Contains("&event=started", await server.NextRequestAsync());
        var received = await peers.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        Assert.Equal(server.Url(), received.Tracker);
        Assert.Equal(6881, Assert.Single(received.Peers).EndPoint.Port);

        time.Advance(TimeSpan.FromSeconds(1800));
        var regular = await server.NextRequestAsync();
        Assert.DoesNotContain("&event=", regular);
        Assert.Contains("&left=100&", regular);

        Volatile.Write(ref left, 0);
        manager.Complete();
        var completed = await server.NextRequestAsync();
        Assert.Contains("&event=completed", completed);
        Assert.Contains("&left=0&", completed);
        // The answers to started, the regular announce and completed: stopping before the last is taken in would send
        // completed again (it was not confirmed), then stopped.
        for (int i = 0; i < 3; i++) Assert.True((await answers.Reader.ReadAsync().AsTask().WaitAsync(Wait)).Status.IsWorking);

        await manager.StopAsync().WaitAsync(Wait);
        Assert.Contains("&event=stopped", await server.NextRequestAsync());
        var status = Assert.Single(manager.Statuses);
        Assert.True(status.IsWorking);
        Assert.Equal((TimeSpan.FromSeconds(1800), 1), (status.Interval!.Value, status.Complete!.Value));
    }

    [Fact]
    public async Task Announce_now_waits_for_the_min_interval()
    {
        var time = new FakeTimeProvider();
        await using var server = new ScriptedHttpTracker(_ => Answer(interval: 1800, minInterval: 300));
        using var client = new TrackerClient(new TrackerOptions { TimeProvider = time });
        await using var manager = new TrackerManager(client, new TrackerTiers([[server.Url()]]), Hash, PeerId.CreateRandom(), 6881, () => default);
        var statuses = Channel.CreateUnbounded<TrackerStatus>();
        manager.StatusChanged += (_, e) => statuses.Writer.TryWrite(e.Status);

        manager.Start();
        await server.NextRequestAsync();
        await statuses.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        manager.AnnounceNow();
        time.Advance(TimeSpan.FromSeconds(299));
        Assert.False(server.Requests.Reader.TryRead(out _));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain("&event=", await server.NextRequestAsync());
    }

    [Fact]
    public async Task A_failing_tracker_falls_over_to_the_next_in_its_tier_which_is_promoted()
    {
        var time = new FakeTimeProvider();
        await using var refusing = new ScriptedHttpTracker(_ => Refusal);
        await using var working = new ScriptedHttpTracker(_ => Answer());
        using var client = new TrackerClient(new TrackerOptions { TimeProvider = time });
        var tiers = new TrackerTiers([[refusing.Url(), working.Url()]]);
        tiers.Promote(refusing.Url());
        await using var manager = new TrackerManager(client, tiers, Hash, PeerId.CreateRandom(), 6881, () => default);
        var peers = Channel.CreateUnbounded<TrackerPeersEventArgs>();
        manager.PeersReceived += (_, e) => peers.Writer.TryWrite(e);

        manager.Start();
        Assert.Equal(working.Url(), (await peers.Reader.ReadAsync().AsTask().WaitAsync(Wait)).Tracker);
        Assert.Equal(working.Url(), tiers[0][0]);
        var failed = manager.Statuses.Single(s => s.Uri == refusing.Url());
        Assert.False(failed.IsWorking);
        Assert.Equal((TrackerError.Failure, "go away"), (failed.LastError!.Error, failed.LastError.Detail));
        Assert.True(manager.Statuses.Single(s => s.Uri == working.Url()).IsWorking);
    }

    [Fact]
    public async Task A_later_tier_is_used_when_every_tracker_of_the_first_fails()
    {
        await using var refusing = new ScriptedHttpTracker(_ => Refusal);
        await using var working = new ScriptedHttpTracker(_ => Answer());
        using var client = new TrackerClient();
        await using var manager = new TrackerManager(client, new TrackerTiers([[refusing.Url()], [working.Url()]]), Hash, PeerId.CreateRandom(), 6881, () => default);
        var peers = Channel.CreateUnbounded<TrackerPeersEventArgs>();
        manager.PeersReceived += (_, e) => peers.Writer.TryWrite(e);

        manager.Start();
        Assert.Equal(working.Url(), (await peers.Reader.ReadAsync().AsTask().WaitAsync(Wait)).Tracker);
        Assert.Contains("&event=started", await refusing.NextRequestAsync());
        Assert.Contains("&event=started", await working.NextRequestAsync());
    }

    [Fact]
    public async Task When_every_tracker_fails_it_retries_with_a_doubling_delay_and_stopped_goes_nowhere()
    {
        var time = new FakeTimeProvider();
        await using var refusing = new ScriptedHttpTracker(_ => Refusal);
        using var client = new TrackerClient(new TrackerOptions { TimeProvider = time, FailureRetryDelay = TimeSpan.FromSeconds(60) });
        await using var manager = new TrackerManager(client, new TrackerTiers([[refusing.Url()]]), Hash, PeerId.CreateRandom(), 6881, () => default);
        var statuses = Channel.CreateUnbounded<TrackerStatus>();
        manager.StatusChanged += (_, e) => statuses.Writer.TryWrite(e.Status);

        manager.Start();
        for (int round = 0; round < 3; round++)
        {
            // Every failed round is a started announce again: the tracker never accepted one.
            Assert.Contains("&event=started", await refusing.NextRequestAsync());
            Assert.Equal(TrackerError.Failure, (await statuses.Reader.ReadAsync().AsTask().WaitAsync(Wait)).LastError!.Error);
            var delay = TimeSpan.FromSeconds(60 << round);
            time.Advance(delay - TimeSpan.FromSeconds(1));
            Assert.False(refusing.Requests.Reader.TryRead(out _));
            time.Advance(TimeSpan.FromSeconds(1));
        }
        await refusing.NextRequestAsync();
        await manager.StopAsync().WaitAsync(Wait);
        Assert.False(refusing.Requests.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Stopping_as_the_download_completes_announces_completed_before_stopped()
    {
        await using var server = new ScriptedHttpTracker(_ => Answer());
        using var client = new TrackerClient(new TrackerOptions { TimeProvider = new FakeTimeProvider() });
        await using var manager = new TrackerManager(client, new TrackerTiers([[server.Url()]]), Hash, PeerId.CreateRandom(), 6881,
            () => new TransferStats(0, 100, 0));
        var statuses = Channel.CreateUnbounded<TrackerStatus>();
        manager.StatusChanged += (_, e) => statuses.Writer.TryWrite(e.Status);

        manager.Start();
        Assert.Contains("&event=started", await server.NextRequestAsync());
        await statuses.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        manager.Complete();
        await manager.StopAsync().WaitAsync(Wait);

        // Whether the loop got to announce completed before the stop or the stop did it, the tracker hears it first.
        var rest = new List<string>();
        while (server.Requests.Reader.TryRead(out var request)) rest.Add(request);
        Assert.Contains("&event=stopped", rest[^1]);
        Assert.Contains(rest[..^1], r => r.Contains("&event=completed"));
    }

    [Fact]
    public async Task The_interval_is_timed_on_the_monotonic_clock_so_a_wall_clock_jump_changes_nothing()
    {
        var time = new JumpingClock();
        await using var server = new ScriptedHttpTracker(_ => Answer(interval: 1800));
        using var client = new TrackerClient(new TrackerOptions { TimeProvider = time });
        await using var manager = new TrackerManager(client, new TrackerTiers([[server.Url()]]), Hash, PeerId.CreateRandom(), 6881, () => default);
        var statuses = Channel.CreateUnbounded<TrackerStatus>();
        manager.StatusChanged += (_, e) => statuses.Writer.TryWrite(e.Status);

        manager.Start();
        Assert.Contains("&event=started", await server.NextRequestAsync());
        await statuses.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        // The wall clock is set back a day (NTP, a user): the re-announce still comes 1800 s later on the monotonic clock.
        time.WallClockOffset = TimeSpan.FromDays(-1);
        time.Advance(TimeSpan.FromSeconds(1800));
        Assert.DoesNotContain("&event=", await server.NextRequestAsync());
    }

    /// <summary>Virtual time whose wall clock can be moved without moving the monotonic timestamp or the timers.</summary>
    private sealed class JumpingClock : FakeTimeProvider
    {
        public TimeSpan WallClockOffset { get; set; }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + WallClockOffset;

        // FakeTimeProvider derives its timestamp from GetUtcNow: take the jump back out (its frequency is ticks per second).
        public override long GetTimestamp() => base.GetTimestamp() - WallClockOffset.Ticks;
    }
}
