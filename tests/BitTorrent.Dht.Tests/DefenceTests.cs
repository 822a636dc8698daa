using System.Net;
using BitTorrent.Bencode;
using BitTorrent.Dht.Tests.Support;

namespace BitTorrent.Dht.Tests;

public class DefenceTests
{
    [Fact]
    public void A_flood_from_one_address_is_blocked_memory_stays_bounded_and_lookups_still_work()
    {
        var network = new TestNetwork();
        var nodes = Nodes.CreateMesh(network, 30);
        var torrent = InfoHash.Parse("00112233445566778899aabbccddeeff00112233");
        network.RunUntil(nodes[4].AnnounceAsync(torrent, 6881));

        var attacker = new RawClient(network, new IPEndPoint(IPAddress.Parse("203.0.113.66"), 666));
        var random = new Random(1);
        var victim = nodes[0];
        var query = new BDictionary();
        for (int i = 0; i < 20_000; i++)
        {
            var hash = new byte[20];
            random.NextBytes(hash);
            var q = new BDictionary
            {
                { "a", new BDictionary { { "id", hash }, { "info_hash", hash } } },
                { "q", "get_peers" }, { "t", new byte[] { (byte)(i >> 8), (byte)i } }, { "y", "q" },
            };
            network.Inject(q.Encode(), attacker.EndPoint, victim.LocalEndPoint!);
            if (i % 1000 == 0) network.Deliver();
        }
        network.Deliver();
        var stats = victim.GetStats();
        Assert.True(stats.RateLimitedDropped > 19_000, $"dropped {stats.RateLimitedDropped}");
        Assert.Equal(1, stats.AddressesBlocked);
        Assert.True(attacker.Received.Count <= 60, $"answered {attacker.Received.Count}");
        Assert.True(stats.RateLimiterEntries < 100);

        // Everyone else is still served: a lookup through the victim finds the announced peer.
        var lookup = network.RunUntil(nodes[17].LookupAsync(torrent));
        Assert.Contains(new IPEndPoint(Nodes.Address(4).Address, 6881), lookup.Peers);
        var direct = new RawClient(network, new IPEndPoint(IPAddress.Parse("198.51.100.1"), 1));
        Assert.NotNull(direct.Query(victim.LocalEndPoint!, "ping"));

        // The block expires.
        network.Time.Advance(TimeSpan.FromMinutes(6));
        Assert.NotNull(attacker.Query(victim.LocalEndPoint!, "ping"));
    }

    [Fact]
    public void Storage_is_bounded_under_announces_from_many_addresses()
    {
        var network = new TestNetwork();
        var node = Nodes.Create(network, 0, configure: o => new DhtNodeOptions
        {
            Transport = o.Transport, TimeProvider = o.TimeProvider, Random = o.Random, BootstrapNodes = [],
            MaxTorrents = 50, MaxPeersPerTorrent = 5, MaxItems = 10,
        });
        node.Listen();
        var random = new Random(2);
        var shared = new byte[20];
        for (int i = 0; i < 400; i++)
        {
            network.Time.Advance(TimeSpan.FromMilliseconds(10)); // stay within the outbound budget
            var client = new RawClient(network, new IPEndPoint(IPAddress.Parse($"100.{i / 200}.{i % 200}.9"), 1000 + i));
            var hash = new byte[20];
            random.NextBytes(hash);
            foreach (var target in new[] { hash, shared })
            {
                var token = client.Query(node.LocalEndPoint!, "get_peers", new BDictionary { { "info_hash", target } })!
                    .Get<BDictionary>("r")!.GetBytes("token")!.Value.ToArray();
                client.Query(node.LocalEndPoint!, "announce_peer", new BDictionary { { "info_hash", target }, { "port", 80 }, { "token", token } });
                client.Query(node.LocalEndPoint!, "put", new BDictionary { { "token", token }, { "v", new BString($"item {i}") } });
            }
        }
        var stats = node.GetStats();
        // Full stores take no newcomers: the first 49 torrents of one peer and the shared one, the first 10 items.
        Assert.Equal(50, stats.StoredTorrents);
        Assert.Equal(49 + 5, stats.StoredPeers);
        Assert.Equal(10, stats.StoredItems);
        // The shared torrent keeps its first five peers: the 395 announcers after them evicted none.
        var probe = new RawClient(network, new IPEndPoint(IPAddress.Parse("100.9.9.9"), 1));
        var values = probe.Query(node.LocalEndPoint!, "get_peers", new BDictionary { { "info_hash", shared } })!.Get<BDictionary>("r")!.Get<BList>("values");
        var expected = Enumerable.Range(0, 5).Select(i => $"100.0.{i}.9:80").Order();
        Assert.Equal(expected, values!.Select(v => NodeEndPoint.FromAddressBytes(((BString)v).Bytes.Span[..4], 80).ToString()).Order());
    }

    [Fact]
    public void Get_peers_values_are_capped_to_fit_a_datagram()
    {
        var network = new TestNetwork();
        var node = Nodes.Create(network, 0);
        node.Listen();
        var hash = new byte[20];
        for (int i = 0; i < 300; i++)
        {
            var client = new RawClient(network, new IPEndPoint(IPAddress.Parse($"101.{i / 200}.{i % 200}.9"), 2000));
            var token = client.Query(node.LocalEndPoint!, "get_peers", new BDictionary { { "info_hash", hash } })!
                .Get<BDictionary>("r")!.GetBytes("token")!.Value.ToArray();
            client.Query(node.LocalEndPoint!, "announce_peer", new BDictionary { { "info_hash", hash }, { "port", 80 }, { "token", token } });
        }
        var probe = new RawClient(network, new IPEndPoint(IPAddress.Parse("101.9.9.9"), 1));
        probe.Query(node.LocalEndPoint!, "get_peers", new BDictionary { { "info_hash", hash } });
        Assert.True(probe.Received[^1].Data.Length <= 1024, $"{probe.Received[^1].Data.Length} bytes");
        Assert.Equal(64, probe.Query(node.LocalEndPoint!, "get_peers", new BDictionary { { "info_hash", hash } })!
            .Get<BDictionary>("r")!.Get<BList>("values")!.Count);
    }

    [Fact]
    public void Responses_from_the_wrong_address_or_with_a_wrong_id_are_not_trusted()
    {
        var network = new TestNetwork();
        var a = Nodes.Create(network, 0);
        var b = Nodes.Create(network, 1);
        a.Listen();
        b.Listen();
        var spoofer = new RawClient(network, new IPEndPoint(IPAddress.Parse("203.0.113.5"), 6881));
        var ping = a.PingAsync(b.LocalEndPoint!);
        // Capture the outgoing transaction id and answer from a third address first.
        bool forgedOnce = false;
        network.Filter = (data, from, to) =>
        {
            if (to.Equals(b.LocalEndPoint) && !forgedOnce)
            {
                forgedOnce = true;
                var t = Bencode.Bencode.DecodeDictionary(data).GetBytes("t")!.Value.ToArray();
                var forged = new BDictionary { { "r", new BDictionary { { "id", spoofer.Id.ToArray() } } }, { "t", t }, { "y", "r" } };
                network.Inject(forged.Encode(), spoofer.EndPoint, a.LocalEndPoint!);
            }
            return true;
        };
        Assert.Equal(b.Id, network.RunUntil(ping));
        Assert.DoesNotContain(a.GetNodes(), n => n.Id == spoofer.Id);
        Assert.Equal(1, a.GetStats().UnsolicitedResponses);
    }

    [Fact]
    public void Large_responses_are_read_but_large_queries_are_dropped()
    {
        var network = new TestNetwork();
        var node = Nodes.Create(network, 0);
        node.Listen();
        var peer = new RawClient(network, new IPEndPoint(IPAddress.Parse("198.51.100.20"), 6881));
        var ping = node.PingAsync(peer.EndPoint);
        network.Deliver();
        var query = Bencode.Bencode.DecodeDictionary(peer.Received[^1].Data);
        // bittorrent-dht answers with its whole table: far more than 1500 bytes.
        var reply = new BDictionary
        {
            { "r", new BDictionary { { "id", peer.Id.ToArray() }, { "nodes", new byte[26 * 150] } } },
            { "t", query.GetBytes("t")!.Value.ToArray() }, { "y", "r" },
        }.Encode();
        Assert.True(reply.Length > 3000);
        peer.Send(node.LocalEndPoint!, reply);
        Assert.Equal(peer.Id, network.RunUntil(ping));
    }
}

public class NodeIdVerificationTests
{
    private static NodeId? PingAndAnswer(TestNetwork network, DhtNode node, RawClient peer)
    {
        var ping = node.PingAsync(peer.EndPoint);
        network.Deliver();
        var query = Bencode.Bencode.DecodeDictionary(peer.Received[^1].Data);
        var reply = new BDictionary
        {
            { "r", new BDictionary { { "id", peer.Id.ToArray() } } }, { "t", query.GetBytes("t")!.Value.ToArray() }, { "y", "r" },
        };
        peer.Send(node.LocalEndPoint!, reply.Encode());
        return network.RunUntil(ping);
    }

    [Fact]
    public void Enforcing_bep42_keeps_only_nodes_whose_id_matches_their_ip()
    {
        var network = new TestNetwork();
        var node = Nodes.Create(network, 0, configure: o => new DhtNodeOptions
        {
            Transport = o.Transport, TimeProvider = o.TimeProvider, Random = o.Random, BootstrapNodes = [], EnforceNodeIdVerification = true,
        });
        node.Listen();
        var ip = IPAddress.Parse("124.31.75.21");
        var liar = new RawClient(network, new IPEndPoint(ip, 1000), NodeId.Parse("0000000000000000000000000000000000000001"));
        Assert.NotNull(PingAndAnswer(network, node, liar));
        Assert.Equal(0, node.NodeCount);

        var honest = new RawClient(network, new IPEndPoint(IPAddress.Parse("21.75.31.124"), 1000),
            NodeId.Parse("5a3ce9c14e7a08645677bbd1cfe7d8f956d53256"));
        Assert.NotNull(PingAndAnswer(network, node, honest));
        Assert.Equal(honest.Id, Assert.Single(node.GetNodes()).Id);
    }

    [Fact]
    public void Responses_teach_the_node_its_external_address()
    {
        var network = new TestNetwork();
        var nodes = Nodes.CreateMesh(network, 5);
        Assert.Equal(Nodes.Address(3), nodes[3].ExternalEndPoint);
    }

    [Fact]
    public void A_bep42_id_is_derived_from_the_external_address()
    {
        var ip = IPAddress.Parse("84.124.73.14");
        using var node = new DhtNode(new DhtNodeOptions { ExternalAddress = ip, BootstrapNodes = [], Random = new Random(1) });
        Assert.True(Security.NodeIdSecurity.IsValid(node.Id, ip));
    }
}
