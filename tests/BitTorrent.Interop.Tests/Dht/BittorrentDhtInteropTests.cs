using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BitTorrent.Dht;

namespace BitTorrent.Interop.Tests.Dht;

/// <summary>
/// Our <see cref="DhtNode"/> in a small DHT of bittorrent-dht 11 nodes (tests/interop-peers/dht-interop-npm.mjs), all on
/// 127.0.0.1 UDP with explicit loopback bootstrap lists.
/// </summary>
public class BittorrentDhtInteropTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Our_node_bootstraps_from_theirs_announces_and_they_find_us()
    {
        await using var npm = DhtPeerProcess.StartNode("dht-interop-npm.mjs", "6");
        var ports = await ReadyPortsAsync(npm);
        await using var node = await StartOurNodeAsync(ports);
        Assert.True(node.NodeCount >= 3, $"{node.NodeCount} nodes after bootstrap");

        var infoHash = RandomInfoHash();
        var announce = await node.AnnounceAsync(infoHash, 51413).WaitAsync(Limit);
        Assert.True(announce.NodesAccepted >= 3, $"{announce.NodesAccepted} of {announce.NodesQueried} accepted");

        for (int i = 0; i < ports.Count; i++)
        {
            var reply = await npm.CallAsync(new { cmd = "lookup", node = i, infoHash = infoHash.ToString() });
            Assert.Contains("127.0.0.1:51413", Strings(reply["peers"]));
        }
    }

    [Fact]
    public async Task They_announce_and_our_lookup_finds_them()
    {
        await using var npm = DhtPeerProcess.StartNode("dht-interop-npm.mjs", "6");
        var ports = await ReadyPortsAsync(npm);
        var infoHash = RandomInfoHash();

        var announced = await npm.CallAsync(new { cmd = "announce", node = 2, infoHash = infoHash.ToString(), port = 6000 });
        Assert.True((bool)announced["ok"]!, (string?)announced["error"]);
        // Our node joins afterwards, so it holds nothing itself and its lookup must travel.
        await using var node = await StartOurNodeAsync(ports);

        var lookup = await node.LookupAsync(infoHash).WaitAsync(Limit);
        Assert.Contains(new IPEndPoint(IPAddress.Loopback, 6000), lookup.Peers);
    }

    [Fact]
    public async Task Immutable_items_put_on_one_side_are_got_on_the_other()
    {
        await using var npm = DhtPeerProcess.StartNode("dht-interop-npm.mjs", "6");
        var ports = await ReadyPortsAsync(npm);

        // Theirs puts a string; ours (joining afterwards, so it stores nothing itself) gets the bencoded string.
        byte[] theirs = Encoding.ASCII.GetBytes("from bittorrent-dht " + Guid.NewGuid());
        var put = await npm.CallAsync(new { cmd = "putImmutable", node = 1, v = Convert.ToHexStringLower(theirs) });
        Assert.True((int)put["stored"]! > 0, put.ToJsonString());
        await using var node = await StartOurNodeAsync(ports);
        var target = NodeId.Parse((string)put["key"]!);
        var got = await node.GetAsync(target).WaitAsync(Limit);
        Assert.NotNull(got);
        Assert.Equal(Bencoded(theirs), got.Value.ToArray());
        Assert.False(got.IsMutable);

        // Ours puts a bencoded string; theirs gets the string.
        byte[] ours = Encoding.ASCII.GetBytes("from BitTorrent.Dht " + Guid.NewGuid());
        var item = DhtItem.CreateImmutable(Bencoded(ours));
        var stored = await node.PutAsync(item).WaitAsync(Limit);
        Assert.True(stored.NodesAccepted > 0, $"{stored.NodesAccepted} of {stored.NodesQueried} accepted, error {stored.LastErrorCode}");
        var reply = await npm.CallAsync(new { cmd = "get", node = 4, key = item.Target.ToString() });
        Assert.Equal(Convert.ToHexStringLower(ours), (string?)reply["v"]);
    }

    [Fact]
    public async Task Mutable_items_put_on_one_side_are_got_and_verified_on_the_other()
    {
        await using var npm = DhtPeerProcess.StartNode("dht-interop-npm.mjs", "6");
        var ports = await ReadyPortsAsync(npm);
        byte[] salt = Encoding.ASCII.GetBytes("interop");

        // Theirs signs with Node's ed25519; ours (joining afterwards) verifies the signature and the target.
        byte[] theirSeed = RandomNumberGenerator.GetBytes(32);
        byte[] theirs = Encoding.ASCII.GetBytes("mutable from bittorrent-dht");
        var put = await npm.CallAsync(new
        {
            cmd = "putMutable", node = 3, seed = Convert.ToHexStringLower(theirSeed), salt = Convert.ToHexStringLower(salt),
            seq = 7, v = Convert.ToHexStringLower(theirs),
        });
        Assert.True((int)put["stored"]! > 0, put.ToJsonString());
        await using var node = await StartOurNodeAsync(ports);
        var got = await node.GetAsync(NodeId.Parse((string)put["key"]!), new DhtGetOptions { Salt = salt }).WaitAsync(Limit);
        Assert.NotNull(got);
        Assert.Equal(Bencoded(theirs), got.Value.ToArray());
        Assert.Equal(7, got.Sequence);
        Assert.Equal((string)put["publicKey"]!, Convert.ToHexStringLower(got.PublicKey.Span));
        Assert.True(got.VerifySignature());

        // Ours signs; theirs verifies with Node's ed25519 and returns the value.
        byte[] ours = Encoding.ASCII.GetBytes("mutable from BitTorrent.Dht");
        var item = DhtItem.CreateMutable(RandomNumberGenerator.GetBytes(32), Bencoded(ours), 3, salt);
        var stored = await node.PutAsync(item).WaitAsync(Limit);
        Assert.True(stored.NodesAccepted > 0, $"{stored.NodesAccepted} of {stored.NodesQueried} accepted, error {stored.LastErrorCode}");
        var reply = await npm.CallAsync(new { cmd = "get", node = 5, key = item.Target.ToString(), salt = Convert.ToHexStringLower(salt) });
        Assert.Equal(Convert.ToHexStringLower(ours), (string?)reply["v"]);
        Assert.Equal(3, (int)reply["seq"]!);
    }

    private static async Task<IReadOnlyList<int>> ReadyPortsAsync(DhtPeerProcess npm)
    {
        var ready = await npm.ReadAsync();
        Assert.True((bool)ready["ready"]!);
        return ready["ports"]!.AsArray().Select(p => (int)p!).ToList();
    }

    private static async Task<DhtNode> StartOurNodeAsync(IReadOnlyList<int> ports)
    {
        var node = new DhtNode(new DhtNodeOptions
        {
            BootstrapNodes = ports.Select(p => (EndPoint)new IPEndPoint(IPAddress.Loopback, p)).ToList(),
        });
        try
        {
            node.Listen(0, IPAddress.Loopback);
            await node.WaitForReadyAsync().WaitAsync(Limit);
            return node;
        }
        catch
        {
            node.Dispose();
            throw;
        }
    }

    private static InfoHash RandomInfoHash() => new(RandomNumberGenerator.GetBytes(20));

    private static byte[] Bencoded(byte[] value) => [.. Encoding.ASCII.GetBytes(value.Length + ":"), .. value];

    private static List<string> Strings(JsonNode? array) => array!.AsArray().Select(n => (string)n!).ToList();
}
