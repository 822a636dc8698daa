using System.Net;

namespace BitTorrent.Dht.Tests.Simulation;

public class SimulatedNetworkTests
{
    private static SimulatedNetwork CreateNetwork(int seed, double loss) =>
        new(new VirtualTimeScheduler(DateTimeOffset.UnixEpoch), new Random(seed), loss, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(60));

    [Fact]
    public void A_datagram_arrives_after_both_access_delays_with_the_sender_as_source()
    {
        var network = CreateNetwork(1, 0);
        var a = network.AddHost();
        var b = network.AddHost();
        var received = new List<(byte[] Data, IPEndPoint Source, TimeSpan At)>();
        b.Start((data, source) => received.Add((data.ToArray(), source, network.Scheduler.Elapsed)));

        a.Send([1, 2, 3], b.LocalEndPoint);
        network.Scheduler.RunFor(TimeSpan.FromSeconds(1));

        var (bytes, from, at) = Assert.Single(received);
        Assert.Equal([1, 2, 3], bytes);
        Assert.Equal(a.LocalEndPoint, from);
        Assert.Equal(a.AccessDelay + b.AccessDelay, at);
        Assert.InRange(a.AccessDelay, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(60));
    }

    [Fact]
    public void Hosts_get_distinct_slash_24_subnets()
    {
        var network = CreateNetwork(1, 0);
        var subnets = Enumerable.Range(0, 600).Select(_ => network.AddHost().LocalEndPoint.Address.GetAddressBytes()[..3])
            .Select(b => (b[0], b[1], b[2])).ToHashSet();
        Assert.Equal(600, subnets.Count);
    }

    [Fact]
    public void Loss_drops_about_the_configured_fraction_and_the_seed_fixes_which()
    {
        static List<int> Run(int seed)
        {
            var network = CreateNetwork(seed, 0.1);
            var a = network.AddHost();
            var b = network.AddHost();
            var got = new List<int>();
            b.Start((data, _) => got.Add(BitConverter.ToInt32(data)));
            for (int i = 0; i < 10_000; i++)
            {
                a.Send(BitConverter.GetBytes(i), b.LocalEndPoint);
            }
            network.Scheduler.RunFor(TimeSpan.FromSeconds(1));
            Assert.Equal(10_000 - got.Count, network.DatagramsLost);
            Assert.Equal(got.Count, network.DatagramsDelivered);
            return got;
        }

        var first = Run(42);
        Assert.InRange(first.Count, 8_800, 9_200);
        Assert.Equal(first, Run(42));
        Assert.NotEqual(first, Run(43));
    }

    [Fact]
    public void Datagrams_to_unknown_or_detached_hosts_vanish()
    {
        var network = CreateNetwork(1, 0);
        var a = network.AddHost();
        var b = network.AddHost();
        int received = 0;
        b.Start((_, _) => received++);

        a.Send([1], new IPEndPoint(IPAddress.Parse("192.0.2.1"), 6881));
        a.Send([2], b.LocalEndPoint);
        b.Dispose();
        network.Scheduler.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal(0, received);
        Assert.Equal(1, network.DatagramsUndeliverable);
        Assert.Null(network.Find(b.LocalEndPoint));
    }
}
