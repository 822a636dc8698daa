using System.Net;
using BitTorrent.Dht;

namespace BitTorrent.Dht.Tests.Support;

/// <summary>Builds nodes on a <see cref="TestNetwork"/>, each in its own /24.</summary>
internal static class Nodes
{
    public static IPEndPoint Address(int index) => new(IPAddress.Parse($"10.{index / 250}.{index % 250}.1"), 6881);

    public static DhtNode Create(TestNetwork network, int index, IReadOnlyList<EndPoint>? bootstrap = null, int seed = 0,
        Func<DhtNodeOptions, DhtNodeOptions>? configure = null)
    {
        var options = new DhtNodeOptions
        {
            Transport = network.CreateTransport(Address(index)),
            TimeProvider = network.Time,
            Random = new Random(seed * 100_003 + index),
            BootstrapNodes = bootstrap ?? [],
        };
        return new DhtNode(configure is null ? options : configure(options));
    }

    /// <summary>A network of <paramref name="count"/> nodes, all bootstrapped from node 0, and ready.</summary>
    public static List<DhtNode> CreateMesh(TestNetwork network, int count, int seed = 1, Func<DhtNodeOptions, DhtNodeOptions>? configure = null)
    {
        var nodes = new List<DhtNode>();
        for (int i = 0; i < count; i++)
        {
            var node = Create(network, i, i == 0 ? [] : [Address(0)], seed, configure);
            node.Listen();
            nodes.Add(node);
            network.RunUntil(node.WaitForReadyAsync());
        }
        return nodes;
    }
}
