using System.Net;
using BitTorrent.Dht.Tests.Support;

namespace BitTorrent.Dht.Tests;

public class PersistenceTests
{
    [Fact]
    public async Task State_round_trips_through_a_file_and_restarts_without_routers()
    {
        var network = new TestNetwork();
        var nodes = Nodes.CreateMesh(network, 25);
        var torrent = InfoHash.Parse("aabbccddeeff00112233445566778899aabbccdd");
        network.RunUntil(nodes[9].AnnounceAsync(torrent, 4242));
        var item = DhtItem.CreateImmutable("4:spam"u8.ToArray());
        network.RunUntil(nodes[12].PutAsync(item));

        var node = nodes[12];
        var state = node.ExportState();
        Assert.Equal(node.NodeCount, state.Nodes.Count);
        Assert.All(state.Nodes, n => Assert.Equal(40, n.Id.Length));
        Assert.Contains(state.Items, i => i.Value == Convert.ToHexStringLower(item.Value.Span));

        string path = Path.Combine(Path.GetTempPath(), $"dht-state-{Guid.NewGuid():N}.json");
        try
        {
            await state.SaveAsync(path);
            var loaded = await DhtState.LoadAsync(path);
            Assert.Equal(state.ToJson(), loaded.ToJson());
            node.Dispose();

            // Restart at the same address with no bootstrap routers at all.
            var restarted = new DhtNode(new DhtNodeOptions
            {
                Transport = network.CreateTransport(Nodes.Address(12)),
                TimeProvider = network.Time,
                Random = new Random(99),
                BootstrapNodes = [],
                State = loaded,
            });
            restarted.Listen();
            network.RunUntil(restarted.WaitForReadyAsync());
            Assert.Equal(node.Id, restarted.Id);
            Assert.True(restarted.NodeCount >= state.Nodes.Count - 2);
            var lookup = network.RunUntil(restarted.LookupAsync(torrent));
            Assert.Contains(new IPEndPoint(Nodes.Address(9).Address, 4242), lookup.Peers);
            var cached = network.RunUntil(restarted.GetAsync(item.Target));
            Assert.Equal(item.Value.ToArray(), cached!.Value.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_stale_restored_table_falls_back_to_the_routers()
    {
        var network = new TestNetwork();
        var nodes = Nodes.CreateMesh(network, 10);
        var state = new DhtState
        {
            Nodes = [new DhtStateNode { Id = new string('1', 40), Host = "10.99.0.1", Port = 1 }],
        };
        var node = new DhtNode(new DhtNodeOptions
        {
            Transport = network.CreateTransport(Nodes.Address(50)),
            TimeProvider = network.Time,
            Random = new Random(5),
            BootstrapNodes = [Nodes.Address(0)],
            State = state,
        });
        node.Listen();
        network.RunUntil(node.WaitForReadyAsync());
        Assert.True(node.NodeCount >= 5);
    }
}
