using System.Net;
using BitTorrent.Bencode;
using BitTorrent.Dht.Tests.Support;

namespace BitTorrent.Dht.Tests;

/// <summary>Hostile peers on the in-memory network with virtual time (RELIABILITY.md, "DHT under attack").</summary>
public class AttackTests
{
    private static readonly byte[] TorrentBytes = Convert.FromHexString("00112233445566778899aabbccddeeff00112233");

    private static byte[] Token(RawClient client, DhtNode node, byte[] infoHash) =>
        client.Query(node.LocalEndPoint!, "get_peers", new BDictionary { { "info_hash", infoHash } })!
            .Get<BDictionary>("r")!.GetBytes("token")!.Value.ToArray();

    private static void Announce(RawClient client, DhtNode node, byte[] infoHash, byte[] token, int port) =>
        Assert.Equal("r", client.Query(node.LocalEndPoint!, "announce_peer",
            new BDictionary { { "info_hash", infoHash }, { "port", port }, { "token", token } })!.GetText("y"));

    private static List<IPEndPoint> PeersOf(TestNetwork network, DhtNode node, byte[] infoHash)
    {
        var probe = new RawClient(network, new IPEndPoint(IPAddress.Parse("192.0.2.200"), 1));
        var values = probe.Query(node.LocalEndPoint!, "get_peers", new BDictionary { { "info_hash", infoHash } })!
            .Get<BDictionary>("r")!.Get<BList>("values") ?? [];
        return values.Select(v => NodeEndPoint.TryReadCompact(((BString)v).Bytes.Span, out var p) ? p.ToIPEndPoint() : null!).ToList();
    }

    [Fact]
    public void One_address_announcing_on_500_ports_holds_one_slot_and_evicts_no_real_peer()
    {
        var network = new TestNetwork();
        var node = Nodes.Create(network, 0);
        node.Listen();
        var real = Enumerable.Range(1, 5).Select(i => new RawClient(network, new IPEndPoint(IPAddress.Parse($"198.51.{i}.7"), 6881))).ToList();
        foreach (var peer in real)
        {
            Announce(peer, node, TorrentBytes, Token(peer, node, TorrentBytes), 6881);
        }
        var attacker = new RawClient(network, new IPEndPoint(IPAddress.Parse("203.0.113.66"), 666));
        var token = Token(attacker, node, TorrentBytes);
        for (int port = 1000; port < 1500; port++)
        {
            network.Time.Advance(TimeSpan.FromMilliseconds(30)); // under the per-address rate limit
            Announce(attacker, node, TorrentBytes, token, port);
        }
        var expected = real.Select(p => p.EndPoint).Append(new IPEndPoint(IPAddress.Parse("203.0.113.66"), 1499));
        Assert.Equal(expected.OrderBy(e => e.ToString()), PeersOf(network, node, TorrentBytes).OrderBy(e => e.ToString()));
        Assert.Equal(6, node.GetStats().StoredPeers);
    }

    [Fact]
    public void Ten_thousand_addresses_of_one_ipv6_64_share_one_rate_limit()
    {
        var network = new TestNetwork();
        var node = Nodes.Create(network, 0, configure: o => new DhtNodeOptions
        {
            Transport = network.CreateTransport(new IPEndPoint(IPAddress.Parse("2001:db8:ffff::1"), 6881)),
            TimeProvider = o.TimeProvider, Random = o.Random, BootstrapNodes = [],
        });
        node.Listen();
        var ping = new BDictionary { { "a", new BDictionary { { "id", new byte[20] } } }, { "q", "ping" }, { "t", "aa" }, { "y", "q" } }.Encode();
        for (int i = 0; i < 10_000; i++)
        {
            network.Inject(ping, new IPEndPoint(IPAddress.Parse($"2001:db8:1:2::{i:x}"), 6881), node.LocalEndPoint!);
        }
        network.Deliver();
        var stats = node.GetStats();
        Assert.Equal(50, stats.QueriesReceived);
        Assert.Equal(1, stats.AddressesBlocked);
        Assert.Equal(10_000 - 50, stats.RateLimitedDropped);
        // Another /64 is still served.
        var other = new RawClient(network, new IPEndPoint(IPAddress.Parse("2001:db8:1:3::1"), 6881));
        Assert.NotNull(other.Query(node.LocalEndPoint!, "ping"));
    }

    [Fact]
    public void Many_addresses_of_one_ipv4_24_share_the_subnet_rate_without_being_blocked()
    {
        var network = new TestNetwork();
        var node = Nodes.Create(network, 0);
        node.Listen();
        var ping = new BDictionary { { "a", new BDictionary { { "id", new byte[20] } } }, { "q", "ping" }, { "t", "aa" }, { "y", "q" } }.Encode();
        // 254 addresses, 10 packets each in one second: every one under its own limit of 50, 2,540 from the /24.
        for (int round = 0; round < 10; round++)
        {
            for (int host = 1; host < 255; host++)
            {
                network.Inject(ping, new IPEndPoint(IPAddress.Parse($"203.0.113.{host}"), 6881), node.LocalEndPoint!);
            }
        }
        network.Deliver();
        var stats = node.GetStats();
        Assert.Equal(200, stats.QueriesReceived);
        Assert.Equal(0, stats.AddressesBlocked);
        // A second later the subnet is served again.
        network.Time.Advance(TimeSpan.FromSeconds(1));
        var client = new RawClient(network, new IPEndPoint(IPAddress.Parse("203.0.113.9"), 6881));
        Assert.NotNull(client.Query(node.LocalEndPoint!, "ping"));
    }

    [Fact]
    public void A_flood_from_256_sources_under_their_limits_neither_flushes_the_stores_nor_starves_our_lookups()
    {
        var network = new TestNetwork();
        var nodes = Nodes.CreateMesh(network, 30);
        var victim = nodes[0];
        var torrent = new InfoHash(TorrentBytes);
        // A real peer announced to the victim before the flood, and a torrent the mesh stores elsewhere.
        var realPeer = new RawClient(network, new IPEndPoint(IPAddress.Parse("198.51.100.50"), 6881));
        Announce(realPeer, victim, TorrentBytes, Token(realPeer, victim, TorrentBytes), 51413);
        var elsewhere = InfoHash.Parse("ffeeddccbbaa99887766554433221100ffeeddcc");
        network.RunUntil(nodes[9].AnnounceAsync(elsewhere, 7000));

        var random = new Random(14);
        var attackers = Enumerable.Range(0, 256)
            .Select(i => new RawClient(network, new IPEndPoint(IPAddress.Parse($"100.{64 + i / 250}.{i % 250}.1"), 6881))).ToList();
        var tokens = attackers.Select(a => Token(a, victim, TorrentBytes)).ToList();
        Task<DhtLookupResult>? lookup = null;
        TimeSpan? lookupTook = null;
        var start = network.Time.GetUtcNow();
        // 256 sources x 2 datagrams every 50 ms = 10,240 datagrams a second for 6 s, each source at 40 a second.
        for (int step = 0; step < 120; step++)
        {
            for (int a = 0; a < attackers.Count; a++)
            {
                network.Inject(Flood.Datagram(random, step * 2, tokens[a]), attackers[a].EndPoint, victim.LocalEndPoint!);
                network.Inject(Flood.Datagram(random, step * 2 + 1, tokens[a]), attackers[a].EndPoint, victim.LocalEndPoint!);
            }
            if (step == 20)
            {
                lookup = victim.LookupAsync(elsewhere);
                start = network.Time.GetUtcNow();
            }
            network.Deliver();
            network.Time.Advance(TimeSpan.FromMilliseconds(50));
            if (lookup is { IsCompleted: true } && lookupTook is null)
            {
                lookupTook = network.Time.GetUtcNow() - start;
            }
        }
        var stats = victim.GetStats();
        Assert.True(stats.QueriesReceived > 50_000, $"{stats.QueriesReceived} queries handled");
        // Our own lookup, started during the flood, found the peer in its normal time (under 3 s, timeouts included).
        Assert.NotNull(lookupTook);
        Assert.True(lookupTook < TimeSpan.FromSeconds(3), $"lookup took {lookupTook}");
        Assert.Contains(new IPEndPoint(Nodes.Address(9).Address, 7000), network.RunUntil(lookup!).Peers);
        // The stores are full but bounded, and the real peer was not evicted.
        Assert.Equal(2000, stats.StoredTorrents);
        Assert.Equal(1000, stats.StoredItems);
        Assert.InRange(stats.StoredPeers, 2000, 256 * 20);
        Assert.Contains(realPeer.EndPoint.Address, PeersOf(network, victim, TorrentBytes).Select(p => p.Address));
        Assert.True(stats.RateLimiterEntries <= 2 * 4096);
    }
}
