using System.Globalization;
using Xunit.Abstractions;

namespace BitTorrent.Dht.Tests.Simulation;

/// <summary>Runs alone (no other test allocates meanwhile), so the managed-heap figures belong to the simulation.</summary>
[CollectionDefinition(nameof(MemoryMeasurementCollection), DisableParallelization = true)]
public sealed class MemoryMeasurementCollection;

/// <summary>
/// 5,000 nodes with default options in one process: memory per node, lookups without and with 10 % loss, and one
/// announced torrent found from 100 other nodes. Figures go to the test output.
/// </summary>
[Collection(nameof(MemoryMeasurementCollection))]
public class LargeDhtSimulationTests(ITestOutputHelper output)
{
    private const int Nodes = 5000;

    [Fact]
    public void Five_thousand_nodes_find_announced_peers_within_20_KiB_per_node()
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        using var simulation = new DhtSimulation(new DhtSimulationOptions { Nodes = Nodes, Seed = 5 });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(simulation.Bootstrap());
        var bootstrapTime = clock.Elapsed;
        long afterBootstrap = GC.GetTotalMemory(forceFullCollection: true);
        // Idle for two minutes: per-source rate-limiter entries from the bootstrap burst expire.
        simulation.Time.RunFor(TimeSpan.FromMinutes(2));
        long settled = GC.GetTotalMemory(forceFullCollection: true);
        double kibPerNode = (settled - before) / 1024.0 / Nodes;
        Write($"{Nodes} nodes: bootstrap {bootstrapTime.TotalSeconds:F1} s real, {simulation.Time.Elapsed.TotalSeconds:F0} s virtual, " +
            $"{simulation.Network.DatagramsSent} datagrams, mean table {simulation.Nodes.Average(n => n.NodeCount):F1}; " +
            $"managed heap per node {(afterBootstrap - before) / 1024.0 / Nodes:F1} KiB right after bootstrap, {kibPerNode:F1} KiB settled");
        Assert.True(kibPerNode < 20, $"{kibPerNode:F1} KiB per node");

        var npm = NpmReference.At(1000, 0.0);
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var clean = LookupFigures.Measure(simulation, 100);
        Write($"loss 0 %: {clean}, allocated {(GC.GetAllocatedBytesForCurrentThread() - allocated) / 100 / 1024.0:F1} KiB per announce+lookup");
        Assert.True(clean.SuccessRate >= 0.99, clean.ToString());
        Assert.True(clean.MeanBytes < npm.MeanBytes, $"bytes/lookup {clean.MeanBytes:F0}, bittorrent-dht at 1,000 nodes {npm.MeanBytes:F0}");
        Assert.True(clean.MeanMessages < npm.MeanMessages, $"messages/lookup {clean.MeanMessages:F1}, bittorrent-dht at 1,000 nodes {npm.MeanMessages:F1}");

        simulation.Network.LossRate = 0.1;
        var lossy = LookupFigures.Measure(simulation, 100);
        Write($"loss 10 % (after a loss-free bootstrap): {lossy}");
        Assert.True(lossy.SuccessRate >= 0.95, lossy.ToString());

        simulation.Network.LossRate = 0;
        var infoHash = simulation.RandomInfoHash();
        int announcer = simulation.Random.Next(Nodes);
        var announce = simulation.Announce(announcer, infoHash);
        Assert.True(announce.NodesAccepted > 0);
        int found = 0;
        for (int i = 1; i <= 100; i++)
        {
            found += simulation.Lookup((announcer + i * 37) % Nodes, infoHash, simulation.PeerOf(announcer)).Found ? 1 : 0;
        }
        Write($"one announce ({announce.NodesAccepted} of {announce.NodesQueried} nodes stored it), lookups from 100 other nodes: {found} found it");
        Assert.Equal(100, found);
        Write($"whole test {clock.Elapsed.TotalSeconds:F1} s real");
    }

    private void Write(string line) => output.WriteLine(line.ToString(CultureInfo.InvariantCulture));
}
