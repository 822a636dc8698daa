using System.Globalization;

namespace BitTorrent.Dht.Tests.Simulation;

/// <summary>Summary of many <see cref="LookupSample"/>s.</summary>
internal sealed record LookupFigures(int Lookups, double SuccessRate, double MeanHops, int MaxHops, double MeanMessages,
    double MedianMessages, double MeanReceived, double MeanBytes, double MeanDurationMs)
{
    public static LookupFigures From(IReadOnlyList<LookupSample> samples)
    {
        var hops = samples.Where(s => s.Hops is not null).Select(s => s.Hops!.Value).ToList();
        var messages = samples.Select(s => (double)s.Messages).Order().ToList();
        return new LookupFigures(
            samples.Count,
            samples.Count(s => s.Found) / (double)samples.Count,
            hops.Count == 0 ? 0 : hops.Average(),
            hops.Count == 0 ? 0 : hops.Max(),
            messages.Average(),
            messages[messages.Count / 2],
            samples.Average(s => (double)s.Received),
            samples.Average(s => (double)s.Bytes),
            samples.Average(s => s.Duration.TotalMilliseconds));
    }

    /// <summary>Announces a fresh random info hash from a random node and looks it up from another random node,
    /// <paramref name="lookups"/> times.</summary>
    public static LookupFigures Measure(DhtSimulation simulation, int lookups)
    {
        var samples = new List<LookupSample>(lookups);
        int n = simulation.Nodes.Count;
        for (int i = 0; i < lookups; i++)
        {
            var infoHash = simulation.RandomInfoHash();
            int announcer = simulation.Random.Next(n);
            int looker = (announcer + 1 + simulation.Random.Next(n - 1)) % n;
            simulation.Announce(announcer, infoHash);
            samples.Add(simulation.Lookup(looker, infoHash, simulation.PeerOf(announcer)));
        }
        return From(samples);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"lookups {Lookups}, success {SuccessRate:P1}, hops mean {MeanHops:F2} max {MaxHops}, messages/lookup mean {MeanMessages:F1} median {MedianMessages:F0}, received {MeanReceived:F1}, bytes sent+received {MeanBytes:F0}, virtual duration mean {MeanDurationMs:F0} ms");
}
