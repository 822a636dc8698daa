using System.Net;
using BitTorrent.Bencode;
using BitTorrent.Dht.Tests.Support;

namespace BitTorrent.Dht.Tests;

/// <summary>Every timeout and expiry runs on the monotonic clock: a wall-clock step expires or extends nothing.</summary>
public class ClockTests
{
    private static readonly byte[] InfoHashBytes = Convert.FromHexString("e3811b9539cacff680e418124272177c47477157");

    private static BDictionary R(BDictionary? reply) => reply!.Get<BDictionary>("r")!;

    [Fact]
    public void A_wall_clock_step_expires_no_query_token_peer_or_item()
    {
        var network = new TestNetwork();
        var clock = new SteppedClock(network.Time);
        var node = Nodes.Create(network, 0, configure: o => new DhtNodeOptions
        {
            Transport = o.Transport, TimeProvider = clock, Random = o.Random, BootstrapNodes = [],
        });
        node.Listen();
        var client = new RawClient(network, new IPEndPoint(IPAddress.Parse("198.51.100.7"), 4000));
        var token = R(client.Query(node.LocalEndPoint!, "get_peers", new BDictionary { { "info_hash", InfoHashBytes } }))
            .GetBytes("token")!.Value.ToArray();
        client.Query(node.LocalEndPoint!, "announce_peer", new BDictionary { { "info_hash", InfoHashBytes }, { "port", 6881 }, { "token", token } });
        client.Query(node.LocalEndPoint!, "put", new BDictionary { { "token", token }, { "v", new BString("Hello World!") } });
        var silent = new IPEndPoint(IPAddress.Parse("10.200.0.1"), 1);
        var ping = node.PingAsync(silent);
        network.Deliver();

        // NTP steps the wall clock a day forward, then the timer fires: nothing may expire.
        clock.Step = TimeSpan.FromDays(1);
        network.Time.Advance(TimeSpan.FromSeconds(1));
        network.Deliver();
        Assert.False(ping.IsCompleted);
        Assert.Equal(1, node.GetStats().StoredPeers);
        Assert.Equal(1, node.GetStats().StoredItems);
        Assert.NotNull(R(client.Query(node.LocalEndPoint!, "get_peers", new BDictionary { { "info_hash", InfoHashBytes } })).Get<BList>("values"));
        // The token handed out before the step is still good.
        Assert.Equal("r", client.Query(node.LocalEndPoint!, "announce_peer",
            new BDictionary { { "info_hash", InfoHashBytes }, { "port", 6882 }, { "token", token } })!.GetText("y"));

        // Stepping back a day extends nothing either: the query times out on time, the peer after its 30 minutes.
        clock.Step = TimeSpan.FromDays(-1);
        network.Time.Advance(TimeSpan.FromSeconds(1.1));
        Assert.Null(network.RunUntil(ping));
        for (int minute = 0; minute < 31; minute++)
        {
            network.Time.Advance(TimeSpan.FromMinutes(1));
        }
        Assert.Null(R(client.Query(node.LocalEndPoint!, "get_peers", new BDictionary { { "info_hash", InfoHashBytes } })).Get<BList>("values"));
        Assert.Equal(0, node.GetStats().StoredPeers);
        Assert.Equal("e", client.Query(node.LocalEndPoint!, "announce_peer",
            new BDictionary { { "info_hash", InfoHashBytes }, { "port", 6881 }, { "token", token } })!.GetText("y"));
    }
}
