using BitTorrent.Wire;

namespace BitTorrent.Client.Tests.Simulation;

/// <summary>The end of a download: duplicate requests with cancels, and a peer that stops answering.</summary>
[Collection(nameof(SimulationCollection))]
public sealed class EndGameSimulationTests
{
    [Fact]
    public async Task The_last_blocks_are_requested_from_a_second_peer_and_the_first_request_is_cancelled()
    {
        const int Pieces = 32;
        var content = SimulatedContent.Create([Pieces * 64L * 1024], 64 * 1024, isPrivate: true);
        await using var swarm = new SimulatedSwarm(content);
        var leecher = await swarm.AddPeerAsync(_ => false);
        // The slow seed alone would need 128 virtual seconds for its share of the requests (a quarter of the torrent at 4 KiB/s).
        var slow = await swarm.AddSeedAsync();
        swarm.Network.SetRate(slow.EndPoint, leecher.EndPoint, 4 * 1024);
        leecher.Session.AddPeer(slow.EndPoint);
        var fast = new List<SimulatedPeer>();
        for (int i = 0; i < 2; i++)
        {
            var seed = await swarm.AddSeedAsync();
            swarm.Network.SetRate(seed.EndPoint, leecher.EndPoint, 512 * 1024);
            leecher.Session.AddPeer(seed.EndPoint);
            fast.Add(seed);
        }

        // Connected and interested in all three first (see the report: the first messages after the handshakes were once
        // seen to wait for a later tick), then the slow seed's share would take 128 s; end-game finishes in seconds.
        Assert.True(await swarm.Network.RunAsync(TimeSpan.FromSeconds(60),
            () => leecher.Session.Peers.Count(p => p.Flags.HasFlag(PeerFlags.AmInterested)) == 3), swarm.Describe());
        Assert.True(await swarm.RunUntilCompleteAsync([leecher], TimeSpan.FromSeconds(30)), swarm.Describe());

        var toSlow = swarm.Network.MessagesOf(MessageId.Request, leecher.EndPoint, slow.EndPoint);
        Assert.NotEmpty(toSlow);
        var cancels = swarm.Network.MessagesOf(MessageId.Cancel, leecher.EndPoint, slow.EndPoint);
        Assert.NotEmpty(cancels);
        var fromFast = swarm.Network.MessagesOf(MessageId.Piece, to: leecher.EndPoint).Where(m => !m.From.Equals(slow.EndPoint)).ToList();
        var requestedFast = swarm.Network.MessagesOf(MessageId.Request, leecher.EndPoint).Where(m => !m.To.Equals(slow.EndPoint)).ToList();
        foreach (var cancel in cancels)
        {
            // Each cancelled block was asked of the slow seed, asked again of a fast one, and arrived from it first.
            Assert.Contains(toSlow, r => r.Index == cancel.Index && r.Begin == cancel.Begin && r.Time <= cancel.Time);
            Assert.Contains(requestedFast, r => r.Index == cancel.Index && r.Begin == cancel.Begin);
            Assert.Contains(fromFast, p => p.Index == cancel.Index && p.Begin == cancel.Begin && p.Time <= cancel.Time);
        }
        Assert.Equal(0, leecher.Storage.CorruptWrites);
    }

    [Fact]
    public async Task A_peer_that_stops_answering_is_snubbed_and_its_blocks_are_fetched_from_another()
    {
        const int Pieces = 256;
        var content = SimulatedContent.Create([Pieces * 64L * 1024], 64 * 1024, isPrivate: true);
        await using var swarm = new SimulatedSwarm(content);
        var leecher = await swarm.AddPeerAsync(_ => false);
        // The silent peer keeps its connection (keep-alives flow) but never sends a block.
        var silent = await swarm.AddSeedAsync();
        silent.Storage.StopAnswering();
        leecher.Session.AddPeer(silent.EndPoint);
        var good = await swarm.AddSeedAsync();
        swarm.Network.SetRate(good.EndPoint, leecher.EndPoint, 128 * 1024); // 16 MiB in about 128 virtual seconds
        leecher.Session.AddPeer(good.EndPoint);
        var snubbedAt = TimeSpan.Zero;
        void WatchSnub()
        {
            if (snubbedAt == TimeSpan.Zero && leecher.Session.Peers.Any(p => p.EndPoint.Equals(silent.EndPoint) && p.Flags.HasFlag(PeerFlags.Snubbed)))
                snubbedAt = swarm.Network.Elapsed;
        }

        Assert.True(await swarm.Network.RunAsync(TimeSpan.FromMinutes(4), () => leecher.Session.WaitForCompletionAsync().IsCompletedSuccessfully, WatchSnub),
            swarm.Describe());

        var toSilent = swarm.Network.MessagesOf(MessageId.Request, leecher.EndPoint, silent.EndPoint);
        Assert.NotEmpty(toSilent);
        var firstAsked = toSilent[0].Time;
        // Snubbed once its requests went unanswered for 30 s (the engine's snub time, checked on its 1 s tick), long
        // before the good peer alone would have finished.
        Assert.True(snubbedAt >= firstAsked + TimeSpan.FromSeconds(30) && snubbedAt <= firstAsked + TimeSpan.FromSeconds(45),
            $"first asked at {firstAsked}, snubbed at {snubbedAt}");
        // Every block asked of the silent peer came from the good one, asked of it only after the snub.
        var toGood = swarm.Network.MessagesOf(MessageId.Request, leecher.EndPoint, good.EndPoint);
        var fromGood = swarm.Network.MessagesOf(MessageId.Piece, good.EndPoint, leecher.EndPoint);
        foreach (var block in toSilent.DistinctBy(r => (r.Index, r.Begin)))
        {
            Assert.Contains(fromGood, p => p.Index == block.Index && p.Begin == block.Begin);
            var reasked = toGood.First(r => r.Index == block.Index && r.Begin == block.Begin);
            Assert.True(reasked.Time >= snubbedAt - TimeSpan.FromSeconds(1), $"block {block.Index}/{block.Begin} was asked of the good peer at {reasked.Time}, before the snub at {snubbedAt}");
        }
        Assert.Empty(swarm.Network.MessagesOf(MessageId.Piece, silent.EndPoint, leecher.EndPoint));
        // The silent peer was still connected when the download completed (the snub, not a disconnect, freed its blocks);
        // the leecher closed the connection only then, both being seeds.
        var alerts = leecher.Alerts.Seen;
        int completed = alerts.ToList().FindIndex(a => a is TorrentCompletedAlert);
        int left = alerts.ToList().FindIndex(a => a is PeerDisconnectedAlert d && d.EndPoint.Equals(silent.EndPoint));
        Assert.True(left < 0 || left > completed, $"the silent peer left before the download completed: {alerts[left]}");
        Assert.Equal(0, leecher.Storage.CorruptWrites);
    }

    [Fact]
    public async Task The_snub_clock_starts_with_the_requests_not_with_the_connection()
    {
        const int Pieces = 16;
        var content = SimulatedContent.Create([Pieces * 64L * 1024], 64 * 1024, isPrivate: true);
        await using var swarm = new SimulatedSwarm(content);
        var leecher = await swarm.AddPeerAsync(_ => false);
        // The middle peer starts with nothing (the leecher is not interested), gets its first piece from a seed over a
        // 3 KiB/s link about 21 s later, announces it, and then never answers the leecher's requests.
        var middle = await swarm.AddPeerAsync(_ => false);
        middle.Storage.StopAnswering();
        var seed = await swarm.AddSeedAsync();
        swarm.Network.SetRate(seed.EndPoint, middle.EndPoint, 3 * 1024);
        middle.Session.AddPeer(seed.EndPoint);
        leecher.Session.AddPeer(middle.EndPoint);
        var snubbedAt = TimeSpan.Zero;
        bool Snubbed()
        {
            if (leecher.Session.Peers.Any(p => p.EndPoint.Equals(middle.EndPoint) && p.Flags.HasFlag(PeerFlags.Snubbed))) snubbedAt = swarm.Network.Elapsed;
            return snubbedAt != TimeSpan.Zero;
        }

        Assert.True(await swarm.Network.RunAsync(TimeSpan.FromSeconds(90), Snubbed), swarm.Describe());

        var firstAsked = swarm.Network.MessagesOf(MessageId.Request, leecher.EndPoint, middle.EndPoint)[0].Time;
        Assert.True(firstAsked >= TimeSpan.FromSeconds(15), $"the leecher asked at {firstAsked}, before the middle peer had a piece");
        // Snubbed 30 s after the first unanswered request (checked on the 1 s tick), not 30 s after connecting.
        Assert.InRange(snubbedAt, firstAsked + TimeSpan.FromSeconds(29), firstAsked + TimeSpan.FromSeconds(32));
    }
}
