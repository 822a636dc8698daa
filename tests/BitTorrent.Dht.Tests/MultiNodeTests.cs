using BitTorrent.Dht.Tests.Support;

namespace BitTorrent.Dht.Tests;

public class MultiNodeTests
{
    private static readonly InfoHash Torrent = InfoHash.Parse("e3811b9539cacff680e418124272177c47477157");

    [Fact]
    public void Announce_then_lookup_from_another_node_finds_the_peer()
    {
        var network = new TestNetwork();
        var nodes = Nodes.CreateMesh(network, 40);

        var announce = network.RunUntil(nodes[7].AnnounceAsync(Torrent, 51413));
        Assert.True(announce.NodesAccepted > 0, $"accepted {announce.NodesAccepted} of {announce.NodesQueried}");

        var found = new List<System.Net.IPEndPoint>();
        nodes[31].PeerFound += (_, e) => found.Add(e.Peer);
        var lookup = network.RunUntil(nodes[31].LookupAsync(Torrent));
        nodes[31].Flush();

        var expected = new System.Net.IPEndPoint(Nodes.Address(7).Address, 51413);
        Assert.Contains(expected, lookup.Peers);
        Assert.Contains(expected, found);
        Assert.True(lookup.RespondedNodes >= nodes[31].LookupWidth, $"{lookup.RespondedNodes} nodes answered");
    }
}
