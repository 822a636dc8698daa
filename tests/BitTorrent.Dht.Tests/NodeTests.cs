using System.Net;
using BitTorrent.Bencode;
using BitTorrent.Dht.Tests.Support;

namespace BitTorrent.Dht.Tests;

public class NodeTests
{
    private static readonly InfoHash Torrent = InfoHash.Parse("0123456789abcdef0123456789abcdef01234567");

    [Fact]
    public void No_bootstrap_means_ready_at_once()
    {
        var network = new TestNetwork();
        var node = Nodes.Create(network, 0);
        bool ready = false;
        node.Ready += (_, _) => ready = true;
        node.Listen();
        Assert.True(node.IsReady);
        node.Flush();
        Assert.True(ready);
        Assert.True(node.IsListening);
        Assert.Throws<InvalidOperationException>(() => node.Listen());
    }

    [Fact]
    public void Options_node_id_is_used_and_k_is_exposed()
    {
        var id = NodeId.Parse("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        var node = new DhtNode(new DhtNodeOptions { NodeId = id, BootstrapNodes = [] });
        Assert.Equal(id, node.Id);
        Assert.Equal(20, node.K);
        node.Dispose();
    }

    [Fact]
    public void Bootstrapping_fills_the_table_and_raises_node_events()
    {
        var network = new TestNetwork();
        var nodes = Nodes.CreateMesh(network, 30);
        var late = Nodes.Create(network, 30, [Nodes.Address(0)]);
        var seen = new List<DhtNodeEventArgs>();
        late.NodeAdded += (_, e) => seen.Add(e);
        late.Listen();
        network.RunUntil(late.WaitForReadyAsync());
        late.Flush();
        Assert.True(late.NodeCount >= 20, $"{late.NodeCount} nodes");
        Assert.Equal(late.NodeCount, seen.Count);
    }

    [Fact]
    public void Ping_of_a_silent_address_times_out_after_the_query_timeout()
    {
        var network = new TestNetwork();
        var node = Nodes.Create(network, 0);
        node.Listen();
        var ping = node.PingAsync(new IPEndPoint(IPAddress.Parse("10.200.0.1"), 1));
        network.Deliver();
        network.Time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(ping.IsCompleted);
        network.Time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Null(network.RunUntil(ping));
        Assert.Equal(1, node.GetStats().Timeouts);
    }

    [Fact]
    public void Ping_without_id_adds_the_node_when_it_answers()
    {
        var network = new TestNetwork();
        var a = Nodes.Create(network, 0);
        var b = Nodes.Create(network, 1);
        a.Listen();
        b.Listen();
        Assert.False(a.AddNode(b.LocalEndPoint!));
        network.Run(TimeSpan.FromMilliseconds(100));
        Assert.Equal(b.Id, Assert.Single(a.GetNodes()).Id);
        Assert.True(a.RemoveNode(b.Id));
        Assert.Equal(0, a.NodeCount);
    }

    [Fact]
    public void Concurrency_bounds_queries_in_flight()
    {
        var network = new TestNetwork();
        var node = Nodes.Create(network, 0, configure: o => new DhtNodeOptions
        {
            Transport = o.Transport, TimeProvider = o.TimeProvider, Random = o.Random, BootstrapNodes = [], Concurrency = 4,
        });
        node.Listen();
        for (int i = 0; i < 10; i++) _ = node.PingAsync(new IPEndPoint(IPAddress.Parse($"10.201.{i}.1"), 1));
        var stats = node.GetStats();
        Assert.Equal(4, stats.QueriesInFlight);
        Assert.Equal(6, stats.QueriesWaiting);
        network.Time.Advance(TimeSpan.FromSeconds(2.1));
        Assert.Equal(4, node.GetStats().QueriesInFlight);
    }

    [Fact]
    public void Immutable_and_mutable_items_round_trip_between_nodes()
    {
        var network = new TestNetwork();
        var nodes = Nodes.CreateMesh(network, 30);

        var immutable = DhtItem.CreateImmutable("12:Hello World!"u8.ToArray());
        var put = network.RunUntil(nodes[3].PutAsync(immutable));
        Assert.Equal(immutable.Target, put.Target);
        Assert.True(put.NodesAccepted > 0);
        var got = network.RunUntil(nodes[20].GetAsync(immutable.Target));
        Assert.Equal(immutable.Value.ToArray(), got!.Value.ToArray());

        var seed = new byte[32];
        new Random(9).NextBytes(seed);
        var salt = "profile"u8.ToArray();
        var v1 = DhtItem.CreateMutable(seed, "5:first"u8.ToArray(), 1, salt);
        Assert.True(network.RunUntil(nodes[5].PutAsync(v1)).NodesAccepted > 0);
        var v2 = DhtItem.CreateMutable(seed, "6:second"u8.ToArray(), 2, salt);
        Assert.True(network.RunUntil(nodes[6].PutAsync(v2, cas: 1)).NodesAccepted > 0);

        var latest = network.RunUntil(nodes[25].GetAsync(v1.Target, new DhtGetOptions { Salt = salt }));
        Assert.Equal(2, latest!.Sequence);
        Assert.Equal("6:second"u8.ToArray(), latest.Value.ToArray());
        // Without the salt nothing verifies.
        Assert.Null(network.RunUntil(nodes[26].GetAsync(v1.Target, new DhtGetOptions { UseCache = false })));
        // A stale put is refused by everyone.
        var stale = network.RunUntil(nodes[7].PutAsync(v1));
        Assert.Equal(0, stale.NodesAccepted);
        Assert.Equal(302, stale.LastErrorCode);
    }

    [Fact]
    public void Put_validation_throws()
    {
        var network = new TestNetwork();
        var node = Nodes.Create(network, 0);
        node.Listen();
        Assert.Throws<ArgumentException>(() => { _ = node.PutAsync(DhtItem.CreateImmutable(new byte[1001])); });
        Assert.Throws<ArgumentException>(() => { _ = node.PutAsync(DhtItem.CreateImmutable("14:hello from .net"u8.ToArray())); });
        Assert.Throws<ArgumentException>(() => { _ = node.PutAsync(new DhtItem { Value = "1:a"u8.ToArray(), PublicKey = new byte[31], Signature = new byte[64] }); });
    }

    [Fact]
    public void Lookup_cancellation_completes_the_task_and_stops_peer_events()
    {
        var network = new TestNetwork();
        var nodes = Nodes.CreateMesh(network, 20);
        using var cts = new CancellationTokenSource();
        int peers = 0;
        nodes[1].PeerFound += (_, _) => peers++;
        var lookup = nodes[1].LookupAsync(Torrent, cts.Token);
        cts.Cancel();
        network.Run(TimeSpan.FromSeconds(5));
        nodes[1].Flush();
        Assert.True(lookup.IsCanceled);
        Assert.Equal(0, peers);
    }

    [Fact]
    public async Task Dispose_completes_every_pending_operation()
    {
        var network = new TestNetwork();
        var nodes = Nodes.CreateMesh(network, 10);
        var lookup = nodes[2].LookupAsync(Torrent);
        var ping = nodes[2].PingAsync(new IPEndPoint(IPAddress.Parse("10.250.0.1"), 9));
        var get = nodes[2].GetAsync(NodeId.CreateRandom(new Random(1)));
        int closed = 0;
        nodes[2].Closed += (_, _) => closed++;
        nodes[2].Dispose();
        await nodes[2].DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, closed);
        Assert.True(lookup.IsFaulted && lookup.Exception!.InnerException is ObjectDisposedException);
        Assert.True(ping.IsCompleted);
        Assert.True(get.IsFaulted);
        Assert.Throws<ObjectDisposedException>(() => { _ = nodes[2].LookupAsync(Torrent); });
        Assert.True(nodes[2].IsDestroyed);
    }

    [Fact]
    public void Host_option_stores_our_own_announce_locally()
    {
        var network = new TestNetwork();
        var node = Nodes.Create(network, 0, configure: o => new DhtNodeOptions
        {
            Transport = o.Transport, TimeProvider = o.TimeProvider, Random = o.Random, BootstrapNodes = [], Host = IPAddress.Parse("192.0.2.5"),
        });
        node.Listen();
        var announce = network.RunUntil(node.AnnounceAsync(Torrent, 7000));
        Assert.Equal(0, announce.NodesQueried);
        var found = new List<DhtPeerEventArgs>();
        node.PeerFound += (_, e) => found.Add(e);
        var lookup = network.RunUntil(node.LookupAsync(Torrent));
        node.Flush();
        Assert.Contains(new IPEndPoint(IPAddress.Parse("192.0.2.5"), 7000), lookup.Peers);
        Assert.Null(Assert.Single(found).From);
    }

    [Fact]
    public void Silent_contacts_are_pinged_and_replaced_after_fifteen_minutes()
    {
        var network = new TestNetwork();
        var nodes = Nodes.CreateMesh(network, 12);
        var watcher = nodes[0];
        int before = watcher.NodeCount;
        var victim = nodes[5];
        var victimId = victim.Id;
        victim.Dispose();
        network.Run(TimeSpan.FromMinutes(40));
        Assert.DoesNotContain(watcher.GetNodes(), n => n.Id == victimId);
        Assert.True(watcher.NodeCount >= before - 1);
        Assert.True(watcher.GetStats().Timeouts > 0);
    }

    [Fact]
    public void Sample_infohashes_client_reads_the_answer()
    {
        var network = new TestNetwork();
        var nodes = Nodes.CreateMesh(network, 10);
        network.RunUntil(nodes[3].AnnounceAsync(Torrent, 6881));
        var holder = nodes.First(n => n.GetStats().StoredTorrents > 0);
        var sample = network.RunUntil(nodes[4].SampleInfohashesAsync(holder.LocalEndPoint!, NodeId.CreateRandom(new Random(2))));
        Assert.Contains(Torrent, sample.Samples);
        Assert.Equal(1, sample.Num);
        Assert.Equal(TimeSpan.FromHours(6), sample.Interval);
        Assert.NotEmpty(sample.Nodes);
    }

    [Fact]
    public void Ipv6_nodes_use_nodes6()
    {
        var network = new TestNetwork();
        var nodes = new List<DhtNode>();
        for (int i = 0; i < 15; i++)
        {
            var address = new IPEndPoint(IPAddress.Parse($"2001:db8:{i:x}::1"), 6881);
            var node = new DhtNode(new DhtNodeOptions
            {
                Transport = network.CreateTransport(address),
                TimeProvider = network.Time,
                Random = new Random(i),
                BootstrapNodes = i == 0 ? [] : [nodes[0].LocalEndPoint!],
            });
            node.Listen();
            network.RunUntil(node.WaitForReadyAsync());
            nodes.Add(node);
        }
        Assert.True(nodes[14].NodeCount >= 10);
        Assert.All(nodes[14].GetNodes(), n => Assert.Equal(System.Net.Sockets.AddressFamily.InterNetworkV6, n.EndPoint.AddressFamily));
        Assert.True(network.RunUntil(nodes[3].AnnounceAsync(Torrent, 6881)).NodesAccepted > 0);
        var lookup = network.RunUntil(nodes[12].LookupAsync(Torrent));
        Assert.Contains(new IPEndPoint(IPAddress.Parse("2001:db8:3::1"), 6881), lookup.Peers);
    }
}
