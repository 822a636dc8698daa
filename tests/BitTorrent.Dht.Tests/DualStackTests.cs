using System.Net;
using System.Text;
using BitTorrent.Bencode;
using BitTorrent.Dht.Tests.Support;

namespace BitTorrent.Dht.Tests;

public class DualStackTests
{
    private static readonly InfoHash Torrent = InfoHash.Parse("0123456789abcdef0123456789abcdef01234567");
    private static readonly byte[] WantBoth = Encoding.ASCII.GetBytes("4:wantl2:n42:n6e");

    private static DhtNode CreateNode(TestNetwork network, string address, IReadOnlyList<EndPoint>? bootstrap = null, int concurrency = 16) =>
        new(new DhtNodeOptions
        {
            Transport = network.CreateTransport(new IPEndPoint(IPAddress.Parse(address), 6881)),
            TimeProvider = network.Time,
            Random = new Random(address.Sum(c => c)),
            BootstrapNodes = bootstrap ?? [],
            Concurrency = concurrency,
        });

    /// <summary>An IPv4 node (10.0.0.1) and an IPv6 node (fd00::1) on <paramref name="network"/>, paired (by either side) and listening.</summary>
    private static (DhtNode V4, DhtNode V6) ListeningPair(TestNetwork network, bool pairFromIPv6 = false, int ipv6Concurrency = 16)
    {
        var v4 = CreateNode(network, "10.0.0.1");
        var v6 = CreateNode(network, "fd00::1", concurrency: ipv6Concurrency);
        if (pairFromIPv6) v6.PairWith(v4);
        else v4.PairWith(v6);
        v4.Listen();
        v6.Listen();
        return (v4, v6);
    }

    /// <summary>The compact node info of <paramref name="nodes"/> (20-byte id, address, port), as in nodes / nodes6.</summary>
    private static byte[] Compact(params (NodeId Id, IPEndPoint EndPoint)[] nodes)
    {
        var bytes = new List<byte>();
        var address = new byte[18];
        foreach (var (id, endPoint) in nodes)
        {
            bytes.AddRange(id.ToArray());
            int length = NodeEndPoint.From(endPoint).WriteCompact(address);
            bytes.AddRange(address.AsSpan(0, length).ToArray());
        }
        return [.. bytes];
    }

    /// <summary>Answers the last query <paramref name="client"/> received with <paramref name="values"/> (plus its id).</summary>
    private static void Answer(RawClient client, BDictionary values, NodeId? id = null)
    {
        var (data, from) = client.Received[^1];
        var query = Bencode.Bencode.DecodeDictionary(data);
        values.Add("id", (id ?? client.Id).ToArray());
        var reply = new BDictionary { { "r", values }, { "t", query.GetBytes("t")!.Value.ToArray() }, { "y", "r" } };
        client.Send(from, reply.Encode());
    }

    private static Dictionary<string, BDictionary> QueriesByMethod(RawClient client) =>
        client.Received.Select(r => Bencode.Bencode.DecodeDictionary(r.Data))
            .Where(m => m.GetText("y") == "q")
            .GroupBy(m => m.GetText("q")!)
            .ToDictionary(g => g.Key, g => g.Last());

    /// <summary>Makes a node send find_node (bootstrap), get_peers, get and ping to a raw peer; returns what the peer got.</summary>
    private static (Dictionary<string, BDictionary> Queries, List<byte[]> Raw) SendEveryQueryKind(TestNetwork network,
        Func<IReadOnlyList<EndPoint>, DhtNode> create, Action<DhtNode>? beforeListen = null)
    {
        var peer = new RawClient(network, new IPEndPoint(IPAddress.Parse("10.9.9.9"), 6881));
        var node = create([peer.EndPoint]);
        beforeListen?.Invoke(node);
        node.Listen();
        network.Deliver();
        node.AddNode(peer.EndPoint, peer.Id);
        _ = node.LookupAsync(Torrent);
        _ = node.GetAsync(NodeId.Parse("1111111111111111111111111111111111111111"));
        _ = node.PingAsync(peer.EndPoint);
        network.Deliver();
        return (QueriesByMethod(peer), peer.Received.Select(r => r.Data).ToList());
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    [Fact]
    public void A_paired_node_asks_for_both_families_in_find_node_get_peers_and_get_but_not_in_ping()
    {
        var network = new TestNetwork();
        var v6 = CreateNode(network, "fd00::1");
        var (queries, raw) = SendEveryQueryKind(network, bootstrap => CreateNode(network, "10.0.0.1", bootstrap), v4 =>
        {
            v4.PairWith(v6);
            v6.Listen();
        });

        foreach (var method in new[] { "find_node", "get_peers", "get" })
        {
            var want = Assert.IsType<BList>(queries[method].Get<BDictionary>("a")!["want"]);
            Assert.Equal(new[] { "n4", "n6" }, want.Cast<BString>().Select(s => s.Text));
        }
        Assert.False(queries["ping"].Get<BDictionary>("a")!.ContainsKey("want"));
        Assert.Equal(3, raw.Count(d => Contains(d, WantBoth)));
    }

    [Fact]
    public void An_unpaired_node_never_sends_want()
    {
        var network = new TestNetwork();
        var (queries, raw) = SendEveryQueryKind(network, bootstrap => CreateNode(network, "10.0.0.1", bootstrap));

        Assert.Equal(new[] { "find_node", "get", "get_peers", "ping" }, queries.Keys.Order());
        Assert.All(queries.Values, q => Assert.False(q.Get<BDictionary>("a")!.ContainsKey("want")));
        Assert.DoesNotContain(raw, d => Contains(d, "4:want"u8.ToArray()));
    }

    [Fact]
    public void A_paired_node_whose_sibling_is_not_listening_or_disposed_does_not_send_want()
    {
        var network = new TestNetwork();
        var v6 = CreateNode(network, "fd00::1");
        var (queries, _) = SendEveryQueryKind(network, bootstrap => CreateNode(network, "10.0.0.1", bootstrap), v4 => v4.PairWith(v6));
        Assert.False(queries["find_node"].Get<BDictionary>("a")!.ContainsKey("want"));

        var network2 = new TestNetwork();
        var w6 = CreateNode(network2, "fd00::1");
        DhtNode? w4 = null;
        var (queries2, _) = SendEveryQueryKind(network2, bootstrap => w4 = CreateNode(network2, "10.0.0.1", bootstrap), node =>
        {
            node.PairWith(w6);
            w6.Listen();
            w6.Dispose();
        });
        Assert.Null(w4!.Sibling);
        Assert.Null(w6.Sibling);
        Assert.False(queries2["get_peers"].Get<BDictionary>("a")!.ContainsKey("want"));
    }

    [Fact]
    public void Nodes6_from_a_response_enter_the_sibling_table_only_after_they_answer_a_ping()
    {
        var network = new TestNetwork();
        var (v4, v6) = ListeningPair(network);
        var responder = new RawClient(network, new IPEndPoint(IPAddress.Parse("10.9.9.9"), 6881));
        v4.AddNode(responder.EndPoint, responder.Id);
        var honest = new RawClient(network, new IPEndPoint(IPAddress.Parse("2001:db8:1::1"), 6881));
        var liar = new RawClient(network, new IPEndPoint(IPAddress.Parse("2001:db8:2::1"), 6881));
        var silent = (Id: NodeId.Parse("3333333333333333333333333333333333333333"), EndPoint: new IPEndPoint(IPAddress.Parse("2001:db8:3::1"), 6881));
        var added = new List<NodeId>();
        v6.NodeAdded += (_, e) => added.Add(e.Id);

        var lookup = v4.LookupAsync(Torrent);
        network.Deliver();
        Answer(responder, new BDictionary
        {
            { "token", "tok"u8.ToArray() },
            // The honest node twice, and the IPv6 sibling itself under another id: neither is pinged twice or at all.
            {
                "nodes6", Compact((honest.Id, honest.EndPoint), (liar.Id, liar.EndPoint), silent, (honest.Id, honest.EndPoint),
                    (NodeId.Parse("5555555555555555555555555555555555555555"), v6.LocalEndPoint!))
            },
        });

        // Handed over and pinged, but nobody is in the table before answering.
        Assert.Equal(0, v6.NodeCount);
        foreach (var contact in new[] { honest, liar })
        {
            var (data, from) = Assert.Single(contact.Received);
            Assert.Equal(v6.LocalEndPoint, from);
            Assert.Equal("ping", Bencode.Bencode.DecodeDictionary(data).GetText("q"));
        }
        Assert.Equal(3, v6.GetStats().QueriesSent);

        Answer(honest, new BDictionary());
        Answer(liar, new BDictionary(), NodeId.Parse("4444444444444444444444444444444444444444"));
        network.Run(TimeSpan.FromSeconds(5));
        v6.Flush();

        Assert.Equal(new[] { honest.Id }, added);
        var entered = Assert.Single(v6.GetNodes());
        Assert.Equal(honest.EndPoint, entered.EndPoint);
        Assert.Equal(3, v6.GetStats().QueriesSent);
        Assert.Equal(1, v6.GetStats().Timeouts);
        // The IPv4 node keeps only its own family.
        Assert.Equal(responder.Id, Assert.Single(v4.GetNodes()).Id);
        Assert.True(lookup.IsCompleted);
    }

    [Fact]
    public void Nodes_from_a_response_to_the_ipv6_node_reach_the_ipv4_sibling()
    {
        var network = new TestNetwork();
        var (v4, v6) = ListeningPair(network, pairFromIPv6: true);
        var responder = new RawClient(network, new IPEndPoint(IPAddress.Parse("2001:db8:9::9"), 6881));
        v6.AddNode(responder.EndPoint, responder.Id);
        var contact = new RawClient(network, new IPEndPoint(IPAddress.Parse("10.7.7.7"), 6881));

        _ = v6.GetAsync(NodeId.Parse("1111111111111111111111111111111111111111"));
        network.Deliver();
        Assert.True(Contains(responder.Received[^1].Data, WantBoth));
        Answer(responder, new BDictionary { { "nodes", Compact((contact.Id, contact.EndPoint)) } });
        Assert.Equal(0, v4.NodeCount);
        Answer(contact, new BDictionary());

        Assert.Equal(contact.Id, Assert.Single(v4.GetNodes()).Id);
        Assert.Equal(responder.Id, Assert.Single(v6.GetNodes()).Id);
    }

    [Fact]
    public void At_most_eight_foreign_nodes_are_handed_over_per_response()
    {
        var network = new TestNetwork();
        var (v4, v6) = ListeningPair(network, ipv6Concurrency: 128);
        var responder = new RawClient(network, new IPEndPoint(IPAddress.Parse("10.9.9.9"), 6881));
        v4.AddNode(responder.EndPoint, responder.Id);
        var random = new Random(7);
        var foreign = Enumerable.Range(1, 40)
            .Select(i => (Id: NodeId.CreateRandom(random), EndPoint: new IPEndPoint(IPAddress.Parse($"2001:db8:{i:x}::1"), 6881)))
            .ToArray();
        var pinged = new List<IPEndPoint>();
        network.Filter = (data, from, to) =>
        {
            if (from.Equals(v6.LocalEndPoint)) pinged.Add(to);
            return true;
        };

        _ = v4.LookupAsync(Torrent);
        network.Deliver();
        Answer(responder, new BDictionary { { "token", "tok"u8.ToArray() }, { "nodes6", Compact(foreign) } });

        Assert.Equal(foreign.Take(8).Select(f => f.EndPoint), pinged);
        Assert.Equal(8, v6.GetStats().QueriesSent);
    }

    [Fact]
    public void An_unpaired_node_ignores_nodes_of_the_other_family()
    {
        var network = new TestNetwork();
        var v4 = CreateNode(network, "10.0.0.1");
        var v6 = CreateNode(network, "fd00::1");
        v4.Listen();
        v6.Listen();
        var responder = new RawClient(network, new IPEndPoint(IPAddress.Parse("10.9.9.9"), 6881));
        v4.AddNode(responder.EndPoint, responder.Id);
        var contact = new RawClient(network, new IPEndPoint(IPAddress.Parse("2001:db8:1::1"), 6881));

        _ = v4.LookupAsync(Torrent);
        network.Deliver();
        Answer(responder, new BDictionary { { "token", "tok"u8.ToArray() }, { "nodes6", Compact((contact.Id, contact.EndPoint)) } });
        network.Run(TimeSpan.FromSeconds(3));

        Assert.Empty(contact.Received);
        Assert.Equal(0, v6.GetStats().QueriesSent);
    }

    [Fact]
    public void Pairing_checks_its_arguments()
    {
        var network = new TestNetwork();
        var v4 = CreateNode(network, "10.0.0.1");
        var v6 = CreateNode(network, "fd00::1");
        var other4 = CreateNode(network, "10.0.0.2");
        var other6 = CreateNode(network, "fd00::2");
        Assert.Throws<ArgumentException>(() => v4.PairWith(v4));
        v4.Listen();
        other4.Listen();
        Assert.Throws<ArgumentException>(() => v4.PairWith(other4));

        v4.PairWith(v6);
        v6.PairWith(v4);
        Assert.Same(v6, v4.Sibling);
        Assert.Same(v4, v6.Sibling);
        Assert.Throws<InvalidOperationException>(() => v4.PairWith(other6));
        Assert.Throws<InvalidOperationException>(() => other6.PairWith(v4));
        Assert.Null(other6.Sibling);
        Assert.Same(v6, v4.Sibling);

        other6.Dispose();
        Assert.Throws<ObjectDisposedException>(() => other4.PairWith(other6));
        Assert.Null(other4.Sibling);
    }

    [Fact]
    public async Task A_paired_pair_on_loopback_learns_an_ipv6_node_over_ipv4_udp()
    {
        using var v4 = new DhtNode(new DhtNodeOptions { BootstrapNodes = [] });
        using var v6 = new DhtNode(new DhtNodeOptions { BootstrapNodes = [] });
        using var target = new DhtNode(new DhtNodeOptions { BootstrapNodes = [] });
        v4.PairWith(v6);
        v4.Listen(0, IPAddress.Loopback);
        v6.Listen(0, IPAddress.IPv6Loopback);
        target.Listen(0, IPAddress.IPv6Loopback);
        var learnt = new TaskCompletionSource<DhtNodeEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        v6.NodeAdded += (_, e) => learnt.TrySetResult(e);

        // A hand-written IPv4 node that answers get_peers with the IPv6 target in nodes6.
        using var responder = new System.Net.Sockets.UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var responderId = NodeId.Parse("2222222222222222222222222222222222222222");
        v4.AddNode((IPEndPoint)responder.Client.LocalEndPoint!, responderId);
        var lookup = v4.LookupAsync(Torrent);
        var received = await responder.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(20));
        var query = Bencode.Bencode.DecodeDictionary(received.Buffer);
        Assert.Equal("get_peers", query.GetText("q"));
        Assert.True(Contains(received.Buffer, WantBoth));
        var reply = new BDictionary
        {
            {
                "r", new BDictionary
                {
                    { "id", responderId.ToArray() }, { "token", "tok"u8.ToArray() },
                    { "nodes6", Compact((target.Id, target.LocalEndPoint!)) },
                }
            },
            { "t", query.GetBytes("t")!.Value.ToArray() }, { "y", "r" },
        }.Encode();
        await responder.SendAsync(reply, received.RemoteEndPoint);

        var added = await learnt.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(target.Id, added.Id);
        Assert.Equal(target.LocalEndPoint, added.EndPoint);
        await lookup.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(responderId, Assert.Single(v4.GetNodes()).Id);
    }

    private static BDictionary FindNode(NodeId target, params string[] want)
    {
        var args = new BDictionary { { "target", target.ToArray() } };
        if (want.Length > 0) args.Add("want", new BList(want.Select(w => (BValue)w)));
        return args;
    }

    private static NodeId[] Ids(byte[]? compact, int entry) =>
        compact is null ? [] : compact.Chunk(entry).Select(e => new NodeId(e.AsSpan(0, NodeId.Length))).ToArray();

    [Fact]
    public void A_paired_node_answers_want_n6_with_the_eight_closest_contacts_of_its_sibling()
    {
        var network = new TestNetwork();
        var (v4, v6) = ListeningPair(network);
        var random = new Random(3);
        for (int i = 1; i <= 12; i++)
        {
            Assert.True(v6.AddNode(new IPEndPoint(IPAddress.Parse($"2001:db8:{i:x}::1"), 6881), NodeId.CreateRandom(random)));
        }
        var client = new RawClient(network, new IPEndPoint(IPAddress.Parse("10.9.9.9"), 6881));
        var target = NodeId.Parse("8888888888888888888888888888888888888888");
        var expected = v6.GetClosestNodes(target).Take(8).Select(n => n.Id).ToArray();

        var both = client.Query(v4.LocalEndPoint!, "find_node", FindNode(target, "n4", "n6"))!.Get<BDictionary>("r")!;
        Assert.Equal(expected, Ids(both.GetBytes("nodes6")?.ToArray(), 38));
        var peers = client.Query(v4.LocalEndPoint!, "get_peers",
            new BDictionary { { "info_hash", target.ToArray() }, { "want", new BList { "n6" } } })!.Get<BDictionary>("r")!;
        Assert.Equal(expected, Ids(peers.GetBytes("nodes6")?.ToArray(), 38));

        Assert.False(client.Query(v4.LocalEndPoint!, "find_node", FindNode(target))!.Get<BDictionary>("r")!.ContainsKey("nodes6"));
        Assert.False(client.Query(v4.LocalEndPoint!, "find_node", FindNode(target, "n4"))!.Get<BDictionary>("r")!.ContainsKey("nodes6"));

        v6.Dispose();
        Assert.False(client.Query(v4.LocalEndPoint!, "find_node", FindNode(target, "n4", "n6"))!.Get<BDictionary>("r")!.ContainsKey("nodes6"));
    }

    [Fact]
    public void A_paired_ipv6_node_asked_for_n4_only_answers_with_its_siblings_ipv4_contacts()
    {
        // libtorrent's IPv4 node queries IPv6 addresses this way (through its IPv6 socket, want = [n4]).
        var network = new TestNetwork();
        var (v4, v6) = ListeningPair(network, pairFromIPv6: true);
        var contact4 = NodeId.CreateRandom(new Random(11));
        Assert.True(v4.AddNode(new IPEndPoint(IPAddress.Parse("10.5.5.5"), 6881), contact4));
        Assert.True(v6.AddNode(new IPEndPoint(IPAddress.Parse("2001:db8:5::5"), 6881), NodeId.CreateRandom(new Random(12))));
        var client = new RawClient(network, new IPEndPoint(IPAddress.Parse("2001:db8:ff::9"), 6881));

        var r = client.Query(v6.LocalEndPoint!, "find_node", FindNode(NodeId.CreateRandom(new Random(13)), "n4"))!.Get<BDictionary>("r")!;

        Assert.Equal(new[] { contact4 }, Ids(r.GetBytes("nodes")?.ToArray(), 26));
        Assert.False(r.ContainsKey("nodes6"));
    }

    [Fact]
    public void An_unpaired_node_answers_want_n4_n6_with_its_own_family_only()
    {
        var network = new TestNetwork();
        var v4 = CreateNode(network, "10.0.0.1");
        v4.Listen();
        Assert.True(v4.AddNode(new IPEndPoint(IPAddress.Parse("10.5.5.5"), 6881), NodeId.CreateRandom(new Random(5))));
        var client = new RawClient(network, new IPEndPoint(IPAddress.Parse("10.9.9.9"), 6881));

        var r = client.Query(v4.LocalEndPoint!, "find_node", FindNode(NodeId.CreateRandom(new Random(6)), "n4", "n6"))!.Get<BDictionary>("r")!;

        Assert.Equal(26, r.GetBytes("nodes")!.Value.Length);
        Assert.False(r.ContainsKey("nodes6"));
    }

    [Fact]
    public void Answers_with_both_families_stay_within_1024_bytes()
    {
        var network = new TestNetwork();
        var (v4, v6) = ListeningPair(network);
        var random = new Random(9);
        for (int i = 1; i <= 20; i++)
        {
            Assert.True(v4.AddNode(new IPEndPoint(IPAddress.Parse($"10.1.{i}.1"), 6881), NodeId.CreateRandom(random)));
            Assert.True(v6.AddNode(new IPEndPoint(IPAddress.Parse($"2001:db8:{i:x}::1"), 6881), NodeId.CreateRandom(random)));
        }
        var client4 = new RawClient(network, new IPEndPoint(IPAddress.Parse("10.9.9.9"), 6881));
        var client6 = new RawClient(network, new IPEndPoint(IPAddress.Parse("2001:db8:ff::9"), 6881));
        var target = NodeId.CreateRandom(random);

        var from4 = client4.Query(v4.LocalEndPoint!, "get_peers",
            new BDictionary { { "info_hash", target.ToArray() }, { "want", new BList { "n4", "n6" } } })!.Get<BDictionary>("r")!;
        var from6 = client6.Query(v6.LocalEndPoint!, "get_peers",
            new BDictionary { { "info_hash", target.ToArray() }, { "want", new BList { "n4", "n6" } } })!.Get<BDictionary>("r")!;

        Assert.Equal(20 * 26, from4.GetBytes("nodes")!.Value.Length);
        Assert.Equal(8 * 38, from4.GetBytes("nodes6")!.Value.Length);
        Assert.Equal(20 * 38, from6.GetBytes("nodes6")!.Value.Length);
        Assert.Equal(5 * 26, from6.GetBytes("nodes")!.Value.Length);
        Assert.True(client4.Received[^1].Data.Length <= 1024, $"{client4.Received[^1].Data.Length} bytes");
        Assert.True(client6.Received[^1].Data.Length <= 1024, $"{client6.Received[^1].Data.Length} bytes");
    }

    [Fact]
    public async Task Two_paired_pairs_on_loopback_bridge_an_ipv6_node_over_ipv4()
    {
        using var b4 = new DhtNode(new DhtNodeOptions { BootstrapNodes = [] });
        using var b6 = new DhtNode(new DhtNodeOptions { BootstrapNodes = [] });
        using var hidden = new DhtNode(new DhtNodeOptions { BootstrapNodes = [] });
        b4.PairWith(b6);
        b4.Listen(0, IPAddress.Loopback);
        b6.Listen(0, IPAddress.IPv6Loopback);
        hidden.Listen(0, IPAddress.IPv6Loopback);
        Assert.True(b6.AddNode(hidden.LocalEndPoint!, hidden.Id));

        // The new pair knows only b4: its IPv6 half must learn the hidden IPv6 node through the IPv4 DHT.
        using var a4 = new DhtNode(new DhtNodeOptions { BootstrapNodes = [b4.LocalEndPoint!] });
        using var a6 = new DhtNode(new DhtNodeOptions { BootstrapNodes = [] });
        var learnt = new TaskCompletionSource<DhtNodeEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        a6.NodeAdded += (_, e) => learnt.TrySetResult(e);
        a4.PairWith(a6);
        a6.Listen(0, IPAddress.IPv6Loopback);
        a4.Listen(0, IPAddress.Loopback);

        var added = await learnt.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(hidden.Id, added.Id);
        Assert.Equal(hidden.LocalEndPoint, added.EndPoint);
        await a4.WaitForReadyAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(b4.Id, Assert.Single(a4.GetNodes()).Id);
    }
}
