namespace BitTorrent.Client.Tests.Simulation;

/// <summary>A disk slower than the network: the pieces waiting for it, and so the memory they hold, stay bounded, and
/// stopping waits for the writes it has.</summary>
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

    [Fact]
    public async Task Stopping_waits_for_the_piece_writes_in_flight_before_it_closes_the_files()
    {
        var content = SimulatedContent.Create([64 * 64 * 1024L], 64 * 1024, isPrivate: true);
        await using var swarm = new SimulatedSwarm(content);
        var leecher = await swarm.AddPeerAsync(_ => false);
        var seed = await swarm.AddSeedAsync();
        var disk = leecher.Storage.HoldWrites();
        leecher.Session.AddPeer(seed.EndPoint);
        Assert.True(await swarm.Network.RunAsync(TimeSpan.FromSeconds(20), () => leecher.Storage.WritesStarted > 0), swarm.Describe());

        var stop = leecher.Session.StopAsync().AsTask();
        await swarm.Network.RunAsync(TimeSpan.FromSeconds(5));
        Assert.False(stop.IsCompleted, "the torrent stopped with a piece write still held by the disk");
        disk.SetResult();
        await stop.WaitAsync(SimulatedSwarm.Bound);
        Assert.False(leecher.Storage.DisposedDuringWrite, "the files were closed under a write");
    }
}
