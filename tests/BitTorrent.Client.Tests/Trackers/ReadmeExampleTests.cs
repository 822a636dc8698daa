using BitTorrent.Metainfo;
using BitTorrent.Trackers;

namespace BitTorrent.Client.Tests.Trackers;

/// <summary>The README's "Trackers in the engine" example, compiled and run against a scripted tracker and our seeder on
/// 127.0.0.1 (only the engine's listen addresses, DHT and the tracker URL differ).</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task The_readme_example_runs()
    {
        using var content = await TestContent.CreateAsync([150_000], pieceLength: 16 * 1024);
        await using var tracker = new ScriptedTracker("http");
        await using var extra = new ScriptedTracker("udp");
        await using var seeder = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        var seed = await seeder.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.SeedDirectory });
        await seed.WaitForCompletionAsync().WaitAsync(TimeSpan.FromSeconds(60));
        tracker.Peers = [seeder.ListenPort];
        var torrentPath = Path.Combine(content.Root, "readme.torrent");
        await File.WriteAllBytesAsync(torrentPath, new Torrent(content.Torrent.Info, [[tracker.Url.ToString()]]).Encode());
        var saveDirectory = content.NewDirectory("readme");
        var cancellationToken = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

        // From README.md, "Trackers in the engine".
        await using var engine = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions() with
        {
            TrackerOptions = new TrackerOptions { MaxPeers = 200 },
            TrackerStopTimeout = TimeSpan.FromSeconds(5),
        });
        var session = await engine.AddAsync(Torrent.Load(torrentPath), new TorrentOptions
        {
            SaveDirectory = saveDirectory,
            Trackers = [extra.Url],   // tiers after the torrent's own
        });
        await foreach (var alert in engine.ReadAlertsAsync(cancellationToken))
        {
            if (alert is TrackerErrorAlert error) Console.WriteLine($"{error.Tracker}: {error.Error}: {error.Message}");
            else if (alert is TrackerReplyAlert reply) Console.WriteLine($"{reply.Tracker}: {reply.PeerCount} peers");
            else if (alert is TorrentCompletedAlert) break;
        }
        foreach (var status in session.Trackers)
            Console.WriteLine($"{status.Uri} (tier {status.Tier}): {(status.IsWorking ? "working" : status.LastError?.Message)}");
        await session.StopAsync();   // "stopped" to every started tracker, bounded by TrackerStopTimeout

        content.AssertSameFiles(saveDirectory);
        Assert.Equal([tracker.Url, extra.Url], session.Trackers.Select(s => s.Uri));
        Assert.Equal(TrackerEvent.Stopped, (await LastAsync(tracker, engine.ListenPort)).Event);
    }

    private static async Task<Announce> LastAsync(ScriptedTracker tracker, int port)
    {
        var announce = await tracker.NextAsync(port);
        while (tracker.TryNext(port, out var next)) announce = next;
        return announce;
    }
}
