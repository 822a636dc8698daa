namespace BitTorrent.Client.Tests.Simulation;

/// <summary>A disk slower than the network: the pieces waiting for it, and so the memory they hold, stay bounded.</summary>
[Collection(nameof(SimulationCollection))]
public sealed class DiskBacklogSimulationTests
{
    [Fact]
    public async Task While_the_disk_holds_every_write_the_leecher_stops_requesting_at_the_queued_disk_bytes_then_resumes()
    {
        const int Pieces = 1024;
        const int PieceLength = 64 * 1024;
        const long MaxQueued = 1024 * 1024;
        var content = SimulatedContent.Create([Pieces * (long)PieceLength], PieceLength, isPrivate: true);
        await using var swarm = new SimulatedSwarm(content);
        var leecher = await swarm.AddPeerAsync(_ => false, configureEngine: o => o with { MaxQueuedDiskBytes = MaxQueued });
        var seed = await swarm.AddSeedAsync();
        var disk = leecher.Storage.HoldWrites();
        leecher.Session.AddPeer(seed.EndPoint);

        // Twenty virtual seconds on links without a rate limit: enough for the whole 64 MiB had nothing held it back.
        await swarm.Network.RunAsync(TimeSpan.FromSeconds(20));
        // What may arrive: the queued pieces, plus the requests already in flight when the limit was reached (at most
        // the engine's 500 per peer, 16 KiB each).
        long bound = MaxQueued + 500 * 16 * 1024;
        Assert.True(leecher.Session.Downloaded <= bound, $"{leecher.Session.Downloaded:N0} bytes arrived, bound {bound:N0}\n{swarm.Describe()}");
        Assert.True(leecher.Session.Downloaded >= MaxQueued, $"only {leecher.Session.Downloaded:N0} bytes arrived\n{swarm.Describe()}");
        Assert.Equal(0, leecher.Session.Progress);

        disk.SetResult();
        Assert.True(await swarm.RunUntilCompleteAsync([leecher], TimeSpan.FromSeconds(120)), swarm.Describe());
        Assert.Equal(0, leecher.Storage.CorruptWrites);
    }
}
