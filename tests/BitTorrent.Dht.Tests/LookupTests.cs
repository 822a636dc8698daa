using System.Net;
using BitTorrent.Dht.Krpc;
using BitTorrent.Dht.Tests.Support;

namespace BitTorrent.Dht.Tests;

/// <summary>How a lookup traverses: α queries at once, slow queries give up their slot, and it stops at the closest
/// <see cref="DhtNodeOptions.LookupWidth"/> while announces still store on the K closest.</summary>
public class LookupTests
{
    private static readonly InfoHash Torrent = InfoHash.Parse("e3811b9539cacff680e418124272177c47477157");

    [Fact]
    public void A_slow_query_gives_up_its_slot_after_the_slow_query_timeout()
    {
        var network = new TestNetwork();
        var looker = Nodes.Create(network, 0);
        looker.Listen();
        var target = NodeId.FromInfoHash(Torrent);
        // Four silent contacts right next to the target take all α = 4 slots first.
        for (int i = 1; i <= 4; i++)
        {
            looker.AddNode(new IPEndPoint(IPAddress.Parse($"10.200.{i}.1"), 6881), WithByte(target, 19, (byte)i));
        }
        var live = new List<DhtNode>();
        for (int i = 1; i <= 4; i++)
        {
            var id = WithByte(target, 0, (byte)(0x80 | i));
            var node = Nodes.Create(network, i, configure: o => new DhtNodeOptions
            {
                Transport = o.Transport, TimeProvider = o.TimeProvider, Random = o.Random, BootstrapNodes = [], NodeId = id,
            });
            node.Listen();
            looker.AddNode(node.LocalEndPoint!, id);
            live.Add(node);
        }
        Assert.Equal(4, looker.LookupParallelism);

        var lookup = looker.LookupAsync(Torrent);
        network.Deliver();
        Assert.Equal(4, looker.GetStats().QueriesInFlight);
        network.Time.Advance(TimeSpan.FromSeconds(0.9));
        network.Deliver();
        Assert.Equal(0, live.Sum(n => n.GetStats().QueriesReceived));

        network.Time.Advance(TimeSpan.FromSeconds(0.2));
        network.Deliver();
        Assert.Equal(4, live.Sum(n => n.GetStats().QueriesReceived));
        // The silent contacts are still the closest: the lookup waits for them to time out, not longer.
        Assert.False(lookup.IsCompleted);
        network.Time.Advance(TimeSpan.FromSeconds(1));
        var result = network.RunUntil(lookup, TimeSpan.FromSeconds(1));
        Assert.Equal(4, result.RespondedNodes);
        Assert.Equal(4, looker.GetStats().Timeouts);
    }

    [Fact]
    public void A_lookup_stops_at_the_closest_lookup_width_while_an_announce_stores_on_the_k_closest()
    {
        var network = new TestNetwork();
        var nodes = Nodes.CreateMesh(network, 40);

        var announce = network.RunUntil(nodes[7].AnnounceAsync(Torrent, 51413));
        Assert.Equal(nodes[7].K, announce.NodesQueried);

        var looker = nodes[31];
        var lookerAddress = Nodes.Address(31);
        int getPeersSent = 0;
        network.Filter = (data, from, to) =>
        {
            var message = Bencode.Bencode.DecodeDictionary(data);
            if (from.Equals(lookerAddress) && message.GetText("q") == "get_peers") getPeersSent++;
            return true;
        };
        var lookup = network.RunUntil(looker.LookupAsync(Torrent));

        Assert.Contains(new IPEndPoint(Nodes.Address(7).Address, 51413), lookup.Peers);
        Assert.Equal(8, looker.LookupWidth);
        Assert.InRange(lookup.RespondedNodes, looker.LookupWidth, looker.K - 1);
        Assert.InRange(getPeersSent, looker.LookupWidth, looker.K - 1);
    }

    [Fact]
    public void A_querier_that_we_are_querying_is_not_pinged_back()
    {
        var network = new TestNetwork();
        var pings = new List<(IPEndPoint From, IPEndPoint To)>();
        network.Filter = (data, from, to) =>
        {
            if (Bencode.Bencode.DecodeDictionary(data).GetText("q") == "ping") pings.Add((from, to));
            return true;
        };
        var a = Nodes.Create(network, 0);
        a.Listen();
        // C bootstraps from A without knowing its id: A pings C (a new querier) while C's find_node to A is in flight;
        // C answers the ping but does not ping A back, since A's answer to the find_node proves A anyway.
        var c = Nodes.Create(network, 2, [Nodes.Address(0)]);
        c.Listen();
        network.RunUntil(c.WaitForReadyAsync());

        Assert.Equal([(Nodes.Address(0), Nodes.Address(2))], pings);
        Assert.Equal(a.Id, Assert.Single(c.GetNodes()).Id);
        Assert.Equal(c.Id, Assert.Single(a.GetNodes()).Id);
    }

    [Fact]
    public void Lookup_options_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DhtNode(new DhtNodeOptions { LookupParallelism = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DhtNode(new DhtNodeOptions { LookupWidth = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DhtNode(new DhtNodeOptions { SlowQueryTimeout = TimeSpan.Zero }));
        using var node = new DhtNode(new DhtNodeOptions { BootstrapNodes = [] });
        Assert.Equal((4, 8, 16, 20), (node.LookupParallelism, node.LookupWidth, node.Concurrency, node.K));
    }

    private static NodeId WithByte(NodeId id, int index, byte xor)
    {
        var bytes = id.ToArray();
        bytes[index] ^= xor;
        return new NodeId(bytes);
    }
}
