namespace BitTorrent.Client.Tests.Simulation;

/// <summary>A seeder and eight leechers on the simulated network: the swarm completes and leechers feed each other.</summary>
[Collection(nameof(SimulationCollection))]
public sealed class SwarmSimulationTests
{
    [Fact]
    public async Task One_seeder_and_eight_leechers_that_each_know_one_peer_complete_and_upload_to_each_other()
    {
        var content = SimulatedContent.Create([3_000_000, 1_000_000], pieceLength: 32 * 1024);
        await using var swarm = new SimulatedSwarm(content);
        var seed = await swarm.AddSeedAsync();
        var leechers = new List<SimulatedPeer>();
        for (int i = 0; i < 8; i++) leechers.Add(await swarm.AddPeerAsync(_ => false));
        // The seeder uploads at 200 KiB/s per connection: alone it would need 20 virtual seconds per leecher.
        foreach (var leecher in leechers) swarm.Network.SetRate(seed.EndPoint, leecher.EndPoint, 200 * 1024);
        // A chain: each leecher knows only the engine before it; the rest come through PEX.
        leechers[0].Session.AddPeer(seed.EndPoint);
        for (int i = 1; i < 8; i++) leechers[i].Session.AddPeer(leechers[i - 1].EndPoint);

        bool done = await swarm.RunUntilCompleteAsync(leechers, TimeSpan.FromMinutes(5));
        Assert.True(done, swarm.Describe());

        foreach (var leecher in leechers) Assert.Equal(0, leecher.Storage.CorruptWrites);
        foreach (var leecher in leechers) Assert.All(Enumerable.Range(0, content.Info.PieceCount), p => Assert.True(leecher.Storage.Has(p)));
        long fromLeechers = leechers.Sum(l => l.Session.Uploaded);
        Assert.True(leechers.Count(l => l.Session.Uploaded > 0) >= 4, string.Join(", ", leechers.Select(l => l.Session.Uploaded)));
        Assert.True(fromLeechers > content.Info.TotalLength, $"leechers uploaded {fromLeechers} bytes of {content.Info.TotalLength}");
    }
}
