using Xunit.Abstractions;

namespace BitTorrent.Dht.Tests.Simulation;

public class DhtSimulationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(200, 0.0)]
    [InlineData(1000, 0.1)]
    [InlineData(5000, 0.0)]
    public void Lookups_find_announced_peers(int nodes, double loss)
    {
        long before = GC.GetTotalMemory(true);
        using var simulation = new DhtSimulation(new DhtSimulationOptions { Nodes = nodes, Seed = 7, LossRate = loss });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(simulation.Bootstrap());
        simulation.Time.RunFor(TimeSpan.FromMinutes(2));
        long after = GC.GetTotalMemory(true);
        output.WriteLine($"pending events {simulation.Time.PendingEvents}, mean table {simulation.Nodes.Average(n => n.NodeCount):F1}, buckets {simulation.Nodes.Average(n => n.GetStats().Buckets):F1}, repl {simulation.Nodes.Average(n => n.GetStats().Replacements):F1}, rl {simulation.Nodes.Average(n => n.GetStats().RateLimiterEntries):F1}");
        output.WriteLine($"bootstrap {clock.Elapsed}, virtual {simulation.Time.Elapsed}, datagrams {simulation.Network.DatagramsSent}, memory/node {(after - before) / nodes / 1024.0:F1} KiB");
        clock.Restart();
        var figures = LookupFigures.Measure(simulation, 50);
        output.WriteLine($"{figures} in {clock.Elapsed}");
        Assert.True(figures.SuccessRate >= 0.98);
    }
}
