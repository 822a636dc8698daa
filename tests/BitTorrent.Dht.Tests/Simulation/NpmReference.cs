using System.Globalization;

namespace BitTorrent.Dht.Tests.Simulation;

/// <summary>
/// bittorrent-dht 11.0.12 measured on the same kind of network by <c>tests/interop-peers/dht-sim-npm.mjs</c> (its own
/// nodes on 127.0.0.1 UDP, each joining from 3 random earlier nodes, 100 announce-then-lookup pairs from random nodes
/// (30 with loss, where every lookup waits out 2 s timeouts in real time), loss applied to every sent datagram). The commands and full output are in <c>bench/results/dht-sim.md</c>.
/// </summary>
internal sealed record NpmReference(int Nodes, double LossRate, double SuccessRate, double MeanMessages, double MeanBytes)
{
    private static readonly NpmReference[] Measured =
    [
        new(200, 0.0, 1.00, 31.95, 24006),
        new(200, 0.1, 1.00, 33.90, 24547),
        new(1000, 0.0, 1.00, 41.92, 50790),
        new(1000, 0.1, 1.00, 43.40, 43572),
    ];

    public static NpmReference At(int nodes, double lossRate) =>
        Measured.Single(m => m.Nodes == nodes && Math.Abs(m.LossRate - lossRate) < 1e-9);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"success {SuccessRate:P1}, messages/lookup {MeanMessages:F1}, bytes sent+received {MeanBytes:F0}");
}
