using System.Net;
using BitTorrent.Bencode;
using BitTorrent.Dht.Krpc;
using BitTorrent.Dht.Tests.Support;

namespace BitTorrent.Dht.Tests;

public class ServerTests
{
    private static readonly byte[] InfoHashBytes = Convert.FromHexString("e3811b9539cacff680e418124272177c47477157");

    private static (TestNetwork Network, DhtNode Node, RawClient Client) Setup(Func<DhtNodeOptions, DhtNodeOptions>? configure = null)
    {
        var network = new TestNetwork();
        var node = Nodes.Create(network, 0, configure: configure);
        node.Listen();
        var client = new RawClient(network, new IPEndPoint(IPAddress.Parse("198.51.100.7"), 4000));
        return (network, node, client);
    }

    private static BDictionary R(BDictionary reply) => reply.Get<BDictionary>("r") ?? throw new Xunit.Sdk.XunitException("not a response: " + reply.GetText("y"));

    private static long ErrorCode(BDictionary? reply) => ((BInteger)reply!.Get<BList>("e")![0]).Value;

    [Fact]
    public void Ping_answers_with_our_id_and_the_requester_ip()
    {
        var (_, node, client) = Setup();
        var reply = client.Query(node.LocalEndPoint!, "ping")!;
        Assert.Equal(node.Id.ToArray(), R(reply).GetBytes("id")!.Value.ToArray());
        Assert.Equal(new byte[] { 198, 51, 100, 7, 0x0f, 0xa0 }, reply.GetBytes("ip")!.Value.ToArray());
    }

    [Fact]
    public void Unknown_method_gets_204()
    {
        var (_, node, client) = Setup();
        Assert.Equal(KrpcErrorCode.MethodUnknown, ErrorCode(client.Query(node.LocalEndPoint!, "vote")));
    }

    [Fact]
    public void A_query_that_fails_inside_the_node_gets_202_and_a_warning()
    {
        // A signature verifier that throws makes a mutable put fail inside the node, under its lock.
        var (_, node, client) = Setup(o => new DhtNodeOptions
        {
            Transport = o.Transport, TimeProvider = o.TimeProvider, Random = o.Random, BootstrapNodes = [],
            Verify = (_, _, _) => throw new InvalidOperationException("verifier failed"),
        });
        var warnings = new List<DhtWarningKind>();
        node.Warning += (_, e) => warnings.Add(e.Kind);
        var token = R(client.Query(node.LocalEndPoint!, "get", new BDictionary { { "target", InfoHashBytes } })!).GetBytes("token")!.Value.ToArray();
        var put = new BDictionary
        {
            { "token", token }, { "v", new BString("x") }, { "k", new byte[32] }, { "sig", new byte[64] }, { "seq", 1 },
        };
        Assert.Equal(KrpcErrorCode.Server, ErrorCode(client.Query(node.LocalEndPoint!, "put", put)));
        node.Flush();
        Assert.Equal([DhtWarningKind.InternalError], warnings);
        // The node keeps answering.
        Assert.NotNull(R(client.Query(node.LocalEndPoint!, "ping")!));
    }

    [Fact]
    public void Find_node_without_target_gets_203()
    {
        var (_, node, client) = Setup();
        Assert.Equal(KrpcErrorCode.Protocol, ErrorCode(client.Query(node.LocalEndPoint!, "find_node")));
        Assert.Equal(KrpcErrorCode.Protocol, ErrorCode(client.Query(node.LocalEndPoint!, "get_peers")));
        Assert.Equal(KrpcErrorCode.Protocol, ErrorCode(client.Query(node.LocalEndPoint!, "get")));
    }

    [Fact]
    public void Find_node_returns_the_K_closest_in_exact_xor_order()
    {
        var (_, node, client) = Setup();
        var random = new Random(5);
        var added = new List<NodeId>();
        for (int i = 0; i < 300; i++)
        {
            var id = NodeId.CreateRandom(random);
            if (node.AddNode(new IPEndPoint(IPAddress.Parse($"11.{i / 200}.{i % 200}.2"), 7000), id)) added.Add(id);
        }
        var target = NodeId.CreateRandom(random);
        var nodes = R(client.Query(node.LocalEndPoint!, "find_node", new BDictionary { { "target", target.ToArray() } })!).GetBytes("nodes")!.Value.ToArray();
        Assert.Equal(20 * 26, nodes.Length);
        var returned = Enumerable.Range(0, 20).Select(i => new NodeId(nodes.AsSpan(i * 26, 20))).ToList();
        var expected = added.OrderBy(id => new System.Numerics.BigInteger((id ^ target).ToArray(), isUnsigned: true, isBigEndian: true)).Take(20).ToList();
        Assert.Equal(expected, returned);
    }

    [Fact]
    public void Get_peers_then_announce_then_get_peers_returns_the_peer()
    {
        var (_, node, client) = Setup();
        var first = R(client.Query(node.LocalEndPoint!, "get_peers", new BDictionary { { "info_hash", InfoHashBytes } })!);
        var token = first.GetBytes("token")!.Value.ToArray();
        Assert.Equal(8, token.Length);
        Assert.Null(first.Get<BList>("values"));

        DhtAnnounceEventArgs? announced = null;
        node.Announced += (_, e) => announced = e;
        var ok = client.Query(node.LocalEndPoint!, "announce_peer", new BDictionary
        {
            { "info_hash", InfoHashBytes }, { "port", 6881 }, { "token", token },
        })!;
        Assert.Equal("r", ok.GetText("y"));
        node.Flush();
        Assert.Equal(new IPEndPoint(IPAddress.Parse("198.51.100.7"), 6881), announced!.Peer);

        var second = R(client.Query(node.LocalEndPoint!, "get_peers", new BDictionary { { "info_hash", InfoHashBytes } })!);
        var values = second.Get<BList>("values")!;
        Assert.Equal(new byte[] { 198, 51, 100, 7, 0x1a, 0xe1 }, ((BString)values[0]).Bytes.ToArray());
    }

    [Fact]
    public void Announce_with_implied_port_stores_the_source_port()
    {
        var (_, node, client) = Setup();
        var token = R(client.Query(node.LocalEndPoint!, "get_peers", new BDictionary { { "info_hash", InfoHashBytes } })!).GetBytes("token")!.Value.ToArray();
        client.Query(node.LocalEndPoint!, "announce_peer", new BDictionary
        {
            { "implied_port", 1 }, { "info_hash", InfoHashBytes }, { "port", 1 }, { "token", token },
        });
        var values = R(client.Query(node.LocalEndPoint!, "get_peers", new BDictionary { { "info_hash", InfoHashBytes } })!).Get<BList>("values")!;
        Assert.Equal(new byte[] { 198, 51, 100, 7, 0x0f, 0xa0 }, ((BString)values[0]).Bytes.ToArray());
    }

    [Theory]
    [InlineData("bad!tok!")]
    [InlineData("")]
    public void Announce_with_a_bad_token_gets_203_and_stores_nothing(string token)
    {
        var (_, node, client) = Setup();
        var reply = client.Query(node.LocalEndPoint!, "announce_peer", new BDictionary
        {
            { "info_hash", InfoHashBytes }, { "port", 6881 }, { "token", token },
        });
        Assert.Equal(KrpcErrorCode.Protocol, ErrorCode(reply));
        Assert.Equal(0, node.GetStats().StoredPeers);
    }

    [Fact]
    public void Token_from_another_ip_is_refused()
    {
        var (network, node, client) = Setup();
        var other = new RawClient(network, new IPEndPoint(IPAddress.Parse("203.0.113.1"), 4000));
        var token = R(client.Query(node.LocalEndPoint!, "get_peers", new BDictionary { { "info_hash", InfoHashBytes } })!).GetBytes("token")!.Value.ToArray();
        var reply = other.Query(node.LocalEndPoint!, "announce_peer", new BDictionary
        {
            { "info_hash", InfoHashBytes }, { "port", 6881 }, { "token", token },
        });
        Assert.Equal(KrpcErrorCode.Protocol, ErrorCode(reply));
    }

    [Fact]
    public void Tokens_live_five_to_ten_minutes()
    {
        var (network, node, client) = Setup();
        byte[] Token() => R(client.Query(node.LocalEndPoint!, "get_peers", new BDictionary { { "info_hash", InfoHashBytes } })!).GetBytes("token")!.Value.ToArray();
        BDictionary Announce(byte[] token) => client.Query(node.LocalEndPoint!, "announce_peer", new BDictionary
        {
            { "info_hash", InfoHashBytes }, { "port", 6881 }, { "token", token },
        })!;

        var token = Token();
        network.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.Equal("r", Announce(token).GetText("y"));
        Assert.NotEqual(token, Token());
        network.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(KrpcErrorCode.Protocol, ErrorCode(Announce(token)));
    }

    [Fact]
    public void Put_and_get_an_immutable_item()
    {
        var (_, node, client) = Setup();
        var value = "12:Hello World!"u8.ToArray();
        var target = Convert.FromHexString("e5f96f6f38320f0f33959cb4d3d656452117aadb");
        var first = R(client.Query(node.LocalEndPoint!, "get", new BDictionary { { "target", target } })!);
        Assert.Null(first.GetBytes("v"));
        var token = first.GetBytes("token")!.Value.ToArray();

        var put = new BDictionary { { "token", token }, { "v", new BString("Hello World!") } };
        Assert.Equal("r", client.Query(node.LocalEndPoint!, "put", put)!.GetText("y"));

        var got = R(client.Query(node.LocalEndPoint!, "get", new BDictionary { { "target", target } })!);
        Assert.Equal(value, got.Get<BString>("v")!.Raw.ToArray());
    }

    [Fact]
    public void Put_errors_follow_bep44()
    {
        var (_, node, client) = Setup();
        var seed = new byte[32];
        new Random(1).NextBytes(seed);
        var target = DhtItem.CreateMutable(seed, "1:a"u8.ToArray(), 5).Target;
        var token = R(client.Query(node.LocalEndPoint!, "get", new BDictionary { { "target", target.ToArray() } })!).GetBytes("token")!.Value.ToArray();

        BDictionary PutMutable(DhtItem item, long? cas = null, byte[]? sig = null)
        {
            var args = new BDictionary
            {
                { "k", item.PublicKey.ToArray() }, { "seq", item.Sequence }, { "sig", sig ?? item.Signature.ToArray() },
                { "token", token }, { "v", Bencode.Bencode.Decode(item.Value) },
            };
            if (!item.Salt.IsEmpty) args.Add("salt", item.Salt.ToArray());
            if (cas is long c) args.Add("cas", c);
            return client.Query(node.LocalEndPoint!, "put", args)!;
        }

        Assert.Equal("r", PutMutable(DhtItem.CreateMutable(seed, "1:a"u8.ToArray(), 5)).GetText("y"));
        Assert.Equal(KrpcErrorCode.SequenceNumberTooLow, ErrorCode(PutMutable(DhtItem.CreateMutable(seed, "1:b"u8.ToArray(), 4))));
        Assert.Equal(KrpcErrorCode.CasMismatch, ErrorCode(PutMutable(DhtItem.CreateMutable(seed, "1:c"u8.ToArray(), 6), cas: 4)));
        Assert.Equal("r", PutMutable(DhtItem.CreateMutable(seed, "1:c"u8.ToArray(), 6), cas: 5).GetText("y"));
        Assert.Equal(KrpcErrorCode.InvalidSignature, ErrorCode(PutMutable(DhtItem.CreateMutable(seed, "1:d"u8.ToArray(), 7), sig: new byte[64])));
        Assert.Equal(KrpcErrorCode.SaltTooBig, ErrorCode(PutMutable(DhtItem.CreateMutable(seed, "1:d"u8.ToArray(), 7, new byte[65]))));

        var big = new BDictionary { { "token", token }, { "v", new BString(new string('x', 1000)) } };
        Assert.Equal(KrpcErrorCode.MessageTooBig, ErrorCode(client.Query(node.LocalEndPoint!, "put", big)));

        // get with seq: the value is omitted when the requester already has it.
        var newer = R(client.Query(node.LocalEndPoint!, "get", new BDictionary { { "seq", 6 }, { "target", target.ToArray() } })!);
        Assert.Equal(6, newer.GetInteger("seq"));
        Assert.Null(newer.GetBytes("v"));
        var full = R(client.Query(node.LocalEndPoint!, "get", new BDictionary { { "target", target.ToArray() } })!);
        Assert.Equal("1:c", System.Text.Encoding.ASCII.GetString(full.Get<BString>("v")!.Raw.Span));
    }

    [Fact]
    public void Sample_infohashes_returns_stored_hashes()
    {
        var (_, node, client) = Setup();
        var token = R(client.Query(node.LocalEndPoint!, "get_peers", new BDictionary { { "info_hash", InfoHashBytes } })!).GetBytes("token")!.Value.ToArray();
        client.Query(node.LocalEndPoint!, "announce_peer", new BDictionary { { "info_hash", InfoHashBytes }, { "port", 6881 }, { "token", token } });
        var r = R(client.Query(node.LocalEndPoint!, "sample_infohashes", new BDictionary { { "target", new byte[20] } })!);
        Assert.Equal(1, r.GetInteger("num"));
        Assert.Equal(21600, r.GetInteger("interval"));
        Assert.Equal(InfoHashBytes, r.GetBytes("samples")!.Value.ToArray());
    }

    [Fact]
    public void Read_only_queriers_stay_out_of_the_table_and_read_only_nodes_stay_silent()
    {
        var (network, node, client) = Setup();
        client.Query(node.LocalEndPoint!, "ping", readOnly: true);
        network.Run(TimeSpan.FromSeconds(3));
        Assert.Equal(0, node.NodeCount);

        client.Query(node.LocalEndPoint!, "ping");
        network.Run(TimeSpan.FromSeconds(1));
        // Our client does not answer the verification ping, so it still is not in the table.
        Assert.Equal(0, node.NodeCount);

        var (_, readOnly, other) = Setup(o => new DhtNodeOptions
        {
            Transport = o.Transport, TimeProvider = o.TimeProvider, Random = o.Random, BootstrapNodes = [], ReadOnly = true,
        });
        Assert.Null(other.Query(readOnly.LocalEndPoint!, "ping"));
    }

    [Fact]
    public void Unsolicited_responses_never_enter_the_table()
    {
        var (_, node, client) = Setup();
        var response = new BDictionary { { "r", new BDictionary { { "id", client.Id.ToArray() } } }, { "t", "zz" }, { "y", "r" } };
        client.Send(node.LocalEndPoint!, response.Encode());
        Assert.Equal(0, node.NodeCount);
        Assert.Equal(1, node.GetStats().UnsolicitedResponses);
    }

    [Fact]
    public void Malformed_datagrams_are_dropped_and_counted_by_reason()
    {
        var (_, node, client) = Setup();
        var warnings = new List<DhtWarningEventArgs>();
        node.Warning += (_, w) => warnings.Add(w);
        client.Send(node.LocalEndPoint!, "garbage"u8.ToArray());
        client.Send(node.LocalEndPoint!, "d1:t2:aa1:y1:xe"u8.ToArray());
        client.Send(node.LocalEndPoint!, System.Text.Encoding.ASCII.GetBytes("d1:ad2:id20:abcdefghij01234567891:x1900:" + new string('x', 1900) + "e1:q4:ping1:t2:aa1:y1:qe"));
        var stats = node.GetStats();
        Assert.Equal(3, stats.MalformedDropped);
        Assert.Equal(1, stats.MalformedByReason[KrpcDecodeError.InvalidBencode]);
        Assert.Equal(1, stats.MalformedByReason[KrpcDecodeError.InvalidMessageType]);
        Assert.Equal(1, stats.MalformedByReason[KrpcDecodeError.TooLarge]);
        node.Flush();
        Assert.Equal(3, warnings.Count(w => w.Kind == DhtWarningKind.MalformedDatagram));
        // Still serving.
        Assert.NotNull(client.Query(node.LocalEndPoint!, "ping"));
    }

    [Fact]
    public void Announced_peers_expire_after_their_time_to_live_and_items_after_two_hours()
    {
        var (network, node, client) = Setup();
        var token = R(client.Query(node.LocalEndPoint!, "get_peers", new BDictionary { { "info_hash", InfoHashBytes } })!).GetBytes("token")!.Value.ToArray();
        client.Query(node.LocalEndPoint!, "announce_peer", new BDictionary { { "info_hash", InfoHashBytes }, { "port", 6881 }, { "token", token } });
        client.Query(node.LocalEndPoint!, "put", new BDictionary { { "token", token }, { "v", new BString("Hello World!") } });
        Assert.Equal(1, node.GetStats().StoredPeers);
        Assert.Equal(1, node.GetStats().StoredItems);

        network.Time.Advance(TimeSpan.FromMinutes(29));
        Assert.NotNull(R(client.Query(node.LocalEndPoint!, "get_peers", new BDictionary { { "info_hash", InfoHashBytes } })!).Get<BList>("values"));
        network.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(R(client.Query(node.LocalEndPoint!, "get_peers", new BDictionary { { "info_hash", InfoHashBytes } })!).Get<BList>("values"));
        Assert.Equal(0, node.GetStats().StoredPeers);

        var target = Convert.FromHexString("e5f96f6f38320f0f33959cb4d3d656452117aadb");
        Assert.NotNull(R(client.Query(node.LocalEndPoint!, "get", new BDictionary { { "target", target } })!).Get<BString>("v"));
        network.Time.Advance(TimeSpan.FromMinutes(90));
        Assert.Null(R(client.Query(node.LocalEndPoint!, "get", new BDictionary { { "target", target } })!).Get<BString>("v"));
        Assert.Equal(0, node.GetStats().StoredItems);
    }

    [Fact]
    public void Find_node_leaves_the_requester_out()
    {
        var (_, node, client) = Setup();
        node.AddNode(client.EndPoint, client.Id);
        node.AddNode(new IPEndPoint(IPAddress.Parse("11.0.0.2"), 7000), NodeId.Parse("0102030405060708090a0b0c0d0e0f1011121314"));
        var nodes = R(client.Query(node.LocalEndPoint!, "find_node", new BDictionary { { "target", client.Id.ToArray() } })!).GetBytes("nodes")!.Value.ToArray();
        Assert.Equal(26, nodes.Length);
        Assert.Equal("0102030405060708090a0b0c0d0e0f1011121314", Convert.ToHexStringLower(nodes.AsSpan(0, 20)));
    }
}
