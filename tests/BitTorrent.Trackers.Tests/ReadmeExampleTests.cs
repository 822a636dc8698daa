using BitTorrent.Bencode;

namespace BitTorrent.Trackers.Tests;

/// <summary>The README's tracker example, compiled and run against scripted trackers (only the URLs differ).</summary>
public class ReadmeExampleTests
{
    [Fact]
    public async Task The_readme_example_runs()
    {
        var infoHash = InfoHash.Parse("dddddddddddddddddddddddddddddddddddddddd");
        var peerId = PeerId.CreateRandom();
        var cancellationToken = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;
        var answerBody = new BDictionary { { "interval", 1800 }, { "peers", new byte[] { 127, 0, 0, 1, 0x1A, 0xE1 } } }.Encode();
        await using var http = new ScriptedHttpTracker(_ => ScriptedHttpTracker.Response(answerBody));
        await using var udp = new ScriptedUdpTracker(request => ScriptedUdpTracker.Action(request) switch
        {
            0 => [ScriptedUdpTracker.ConnectReply(request)],
            1 => [ScriptedUdpTracker.AnnounceReply(request, 1800, 0, 1, [127, 0, 0, 1, 0x1A, 0xE1])],
            _ => [[.. ScriptedUdpTracker.Header(2, ScriptedUdpTracker.TransactionId(request)), 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]],
        });

        // From README.md, "Trackers", with the scripted trackers' URLs.
        using var trackers = new TrackerClient(new TrackerOptions { MaxPeers = 500 });

        var tracker = trackers.GetTracker(udp.Url());
        var answer = await tracker.AnnounceAsync(new AnnounceRequest(infoHash, peerId, 6881)
        {
            Event = TrackerEvent.Started, Left = 1_000_000, NumWant = 50,
        }, cancellationToken);
        Console.WriteLine($"{answer.Peers.Count} peers, again in {answer.Interval}, {answer.Complete} seeders");
        var counts = await tracker.ScrapeAsync([infoHash], cancellationToken);

        var tiers = new TrackerTiers([[http.Url(), udp.Url()]]);
        await using var announcer = new TrackerManager(trackers, tiers, infoHash, peerId, 6881,
            () => new TransferStats(Uploaded: 0, Downloaded: 0, Left: 1_000_000));
        announcer.PeersReceived += (_, e) => Console.WriteLine($"{e.Peers.Count} peers from {e.Tracker}");
        announcer.StatusChanged += (_, e) => Console.WriteLine($"{e.Status.Uri}: {e.Status.LastError?.Error.ToString() ?? "ok"}");
        announcer.Start();
        announcer.Complete();
        await announcer.StopAsync(cancellationToken);

        Assert.Single(answer.Peers);
        Assert.Equal(new ScrapeEntry(1, 2, 3), counts.Files[infoHash]);
    }
}
