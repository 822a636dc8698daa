using Xunit.Abstractions;

namespace BitTorrent.Dht.Tests.Simulation;

/// <summary>
/// Lookups on simulated networks of a few hundred to a thousand nodes. Every test writes its figures to the test
/// output (see them with <c>--logger "console;verbosity=detailed"</c>).
/// </summary>
public class DhtSimulationTests(ITestOutputHelper output)
{
    [Fact]
    public void The_same_seed_replays_the_same_run()
    {
        (List<LookupSample> Samples, long Datagrams) Run(int seed)
        {
            using var simulation = new DhtSimulation(new DhtSimulationOptions { Nodes = 150, Seed = seed, LossRate = 0.1 });
            Assert.True(simulation.Bootstrap());
            var samples = new List<LookupSample>();
            for (int i = 0; i < 10; i++)
            {
                var infoHash = simulation.RandomInfoHash();
                int announcer = simulation.Random.Next(150);
                simulation.Announce(announcer, infoHash);
                samples.Add(simulation.Lookup((announcer + 1) % 150, infoHash, simulation.PeerOf(announcer)));
            }
            return (samples, simulation.Network.DatagramsSent);
        }

        var first = Run(3);
        var again = Run(3);
        var other = Run(4);

        Assert.Equal(first.Samples, again.Samples);
        Assert.Equal(first.Datagrams, again.Datagrams);
        Assert.NotEqual(first.Datagrams, other.Datagrams);
    }

    [Theory]
    [InlineData(200, 0.0, 0.99)]
    [InlineData(200, 0.1, 0.95)]
    [InlineData(1000, 0.0, 0.99)]
    [InlineData(1000, 0.1, 0.95)]
    public void With_default_options_lookups_succeed_and_send_fewer_messages_and_bytes_than_bittorrent_dht(int nodes, double loss, double minimumSuccess)
    {
        var figures = Measure(new DhtSimulationOptions { Nodes = nodes, Seed = 11, LossRate = loss });

        Assert.True(figures.SuccessRate >= minimumSuccess, $"success {figures.SuccessRate:P1}");
        var npm = NpmReference.At(nodes, loss);
        Assert.True(figures.MeanMessages < npm.MeanMessages, $"messages/lookup {figures.MeanMessages:F1}, bittorrent-dht {npm.MeanMessages:F1}");
        Assert.True(figures.MeanBytes < npm.MeanBytes, $"bytes/lookup {figures.MeanBytes:F0}, bittorrent-dht {npm.MeanBytes:F0}");
    }

    [Theory]
    [InlineData(200, 0.0, 0.99)]
    [InlineData(200, 0.1, 0.95)]
    [InlineData(1000, 0.0, 0.99)]
    [InlineData(1000, 0.1, 0.95)]
    public void With_bep5_parameters_lookups_send_fewer_messages_than_bittorrent_dht(int nodes, double loss, double minimumSuccess)
    {
        var figures = Measure(new DhtSimulationOptions
        {
            Nodes = nodes, Seed = 11, LossRate = loss, K = 8, Concurrency = 3, LookupParallelism = 3,
        });

        Assert.True(figures.SuccessRate >= minimumSuccess, $"success {figures.SuccessRate:P1}");
        var npm = NpmReference.At(nodes, loss);
        Assert.True(figures.MeanMessages < npm.MeanMessages, $"messages/lookup {figures.MeanMessages:F1}, bittorrent-dht {npm.MeanMessages:F1}");
    }

    private LookupFigures Measure(DhtSimulationOptions options)
    {
        using var simulation = new DhtSimulation(options);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(simulation.Bootstrap());
        var node = simulation.Nodes[0];
        output.WriteLine($"{options.Nodes} nodes, loss {options.LossRate:P0}, K {node.K}, concurrency {node.Concurrency}, " +
            $"α {node.LookupParallelism}, lookup width {node.LookupWidth}: " +
            $"bootstrap {clock.Elapsed.TotalSeconds:F1} s real, {simulation.Time.Elapsed.TotalSeconds:F0} s virtual, " +
            $"mean table {simulation.Nodes.Average(n => n.NodeCount):F1}");
        var figures = LookupFigures.Measure(simulation, 100);
        output.WriteLine(figures.ToString());
        output.WriteLine($"bittorrent-dht: {NpmReference.At(options.Nodes, options.LossRate)}");
        return figures;
    }
}
