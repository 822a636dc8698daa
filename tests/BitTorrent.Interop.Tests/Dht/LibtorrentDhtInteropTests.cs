using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BitTorrent.Dht;

namespace BitTorrent.Interop.Tests.Dht;

/// <summary>
/// libtorrent 2.0's DHT (tests/interop-peers/dht-interop-lt.py, system Python) joined to four of our
/// <see cref="DhtNode"/>s on 127.0.0.1 UDP; its only bootstrap node is ours.
/// </summary>
public class LibtorrentDhtInteropTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Libtorrent_finds_the_peer_our_node_announces()
    {
        var ours = await StartOurNodesAsync(4);
        try
        {
            await using var lt = DhtPeerProcess.StartPython("dht-interop-lt.py", $"127.0.0.1:{ours[0].LocalEndPoint!.Port}");
            var ready = await lt.ReadAsync();
            int ltPort = (int)ready["port"]!;
            // Make sure our announcing node knows libtorrent, so it can be one of the K closest stores.
            Assert.NotNull(await ours[1].PingAsync(new IPEndPoint(IPAddress.Loopback, ltPort)).WaitAsync(Limit));

            var infoHash = new InfoHash(RandomNumberGenerator.GetBytes(20));
            var announce = await ours[1].AnnounceAsync(infoHash, 51413).WaitAsync(Limit);
            Assert.True(announce.NodesAccepted >= 2, $"{announce.NodesAccepted} of {announce.NodesQueried} accepted");

            var reply = await lt.CallAsync(new { cmd = "getPeers", infoHash = infoHash.ToString() });
            Assert.Contains("127.0.0.1:51413", reply["peers"]!.AsArray().Select(p => (string)p!));
        }
        finally
        {
            Dispose(ours);
        }
    }

    [Fact]
    public async Task Our_lookup_finds_the_peer_libtorrent_announces()
    {
        var ours = await StartOurNodesAsync(4);
        try
        {
            await using var lt = DhtPeerProcess.StartPython("dht-interop-lt.py", $"127.0.0.1:{ours[0].LocalEndPoint!.Port}");
            var ready = await lt.ReadAsync();
            Assert.True((int)ready["nodes"]! >= 1, ready.ToJsonString());

            var infoHash = new InfoHash(RandomNumberGenerator.GetBytes(20));
            // libtorrent reports no completion for a DHT announce: wait until one of our nodes stores its peer.
            var stored = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
            foreach (var node in ours)
            {
                node.Announced += (_, e) =>
                {
                    if (e.InfoHash == infoHash)
                    {
                        stored.TrySetResult(e.Peer);
                    }
                };
            }
            var announced = await lt.CallAsync(new { cmd = "announce", infoHash = infoHash.ToString() });
            var expected = new IPEndPoint(IPAddress.Loopback, (int)announced["port"]!);
            Assert.Equal(expected, await stored.Task.WaitAsync(Limit));

            // A node that joins afterwards holds nothing itself: its lookup must travel.
            var latecomer = new DhtNode(new DhtNodeOptions { BootstrapNodes = [ours[0].LocalEndPoint!] });
            ours.Add(latecomer);
            latecomer.Listen(0, IPAddress.Loopback);
            await latecomer.WaitForReadyAsync().WaitAsync(Limit);
            var lookup = await latecomer.LookupAsync(infoHash).WaitAsync(Limit);
            Assert.Contains(expected, lookup.Peers);
        }
        finally
        {
            Dispose(ours);
        }
    }

    /// <summary>Our nodes on real UDP sockets: the first alone, the others bootstrapping from it.</summary>
    private static async Task<List<DhtNode>> StartOurNodesAsync(int count)
    {
        var nodes = new List<DhtNode>();
        try
        {
            var first = new DhtNode(new DhtNodeOptions { BootstrapNodes = [] });
            nodes.Add(first);
            first.Listen(0, IPAddress.Loopback);
            for (int i = 1; i < count; i++)
            {
                var node = new DhtNode(new DhtNodeOptions { BootstrapNodes = [first.LocalEndPoint!] });
                nodes.Add(node);
                node.Listen(0, IPAddress.Loopback);
                await node.WaitForReadyAsync().WaitAsync(Limit);
            }
            return nodes;
        }
        catch
        {
            Dispose(nodes);
            throw;
        }
    }

    private static void Dispose(List<DhtNode> nodes) => nodes.ForEach(n => n.Dispose());
}
