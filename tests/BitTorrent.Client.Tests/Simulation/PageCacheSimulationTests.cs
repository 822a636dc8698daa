namespace BitTorrent.Client.Tests.Simulation;

/// <summary>
/// Which verified pieces go past the page cache (<see cref="EngineOptions.UncachedWrites"/>): those written while only
/// seeds are connected, since nobody will ask for them soon; with a leecher connected they stay cached for serving.
/// </summary>
[Collection(nameof(SimulationCollection))]
public sealed class PageCacheSimulationTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_leecher_connected_only_to_a_seed_writes_every_piece_past_the_cache_unless_turned_off(bool uncachedWrites)
    {
        var content = SimulatedContent.Create([40 * 32 * 1024L], pieceLength: 32 * 1024, isPrivate: true);
        await using var swarm = new SimulatedSwarm(content);
        var seed = await swarm.AddSeedAsync();
        var leecher = await swarm.AddPeerAsync(_ => false, configureEngine: o => o with { UncachedWrites = uncachedWrites });
        leecher.Session.AddPeer(seed.EndPoint);

        Assert.True(await swarm.RunUntilCompleteAsync([leecher], TimeSpan.FromMinutes(1)), swarm.Describe());

        Assert.Equal(content.Info.PieceCount, leecher.Storage.WritesStarted);
        Assert.Equal(uncachedWrites ? content.Info.PieceCount : 0, leecher.Storage.WritesBypassingCache);
    }

    [Fact]
    public async Task With_a_leecher_connected_pieces_stay_in_the_cache()
    {
        var content = SimulatedContent.Create([80 * 32 * 1024L], pieceLength: 32 * 1024, isPrivate: true);
        await using var swarm = new SimulatedSwarm(content);
        var seed = await swarm.AddSeedAsync();
        var first = await swarm.AddPeerAsync(_ => false);
        var second = await swarm.AddPeerAsync(_ => false);
        // The seed's links are slow and the leechers meet at once, so each writes pieces the other still lacks.
        swarm.Network.SetRate(seed.EndPoint, first.EndPoint, 100 * 1024);
        swarm.Network.SetRate(seed.EndPoint, second.EndPoint, 100 * 1024);
        first.Session.AddPeer(seed.EndPoint);
        second.Session.AddPeer(seed.EndPoint);
        second.Session.AddPeer(first.EndPoint);

        Assert.True(await swarm.RunUntilCompleteAsync([first, second], TimeSpan.FromMinutes(2)), swarm.Describe());

        foreach (var leecher in new[] { first, second })
        {
            int cached = leecher.Storage.WritesStarted - leecher.Storage.WritesBypassingCache;
            Assert.True(cached > 0, $"{leecher.EndPoint}: all {leecher.Storage.WritesStarted} writes bypassed the cache");
        }
        // The one that finished first had the other leecher connected for every write.
        Assert.Contains(0, new[] { first.Storage.WritesBypassingCache, second.Storage.WritesBypassingCache });
    }
}
