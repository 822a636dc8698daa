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

    [Theory]
    [InlineData("""{ "NodeId": null, "Nodes": null, "Peers": null, "Items": null }""")]
    [InlineData("""{ "Nodes": [ null, { "Id": null, "Host": null, "Port": 70000 } ], "Items": [ { "v": null }, null ] }""")]
    [InlineData("""{ "NodeId": "zz", "Peers": [ { "InfoHash": "00", "Host": "::1", "Port": 1 } ], "Items": [ { "v": "4:spam", "k": "0g" } ] }""")]
    public void A_damaged_state_is_ignored_with_a_warning_and_the_node_bootstraps_afresh(string json)
    {
        var network = new TestNetwork();
        var nodes = Nodes.CreateMesh(network, 10);
        var state = DhtState.FromJson(json);
        Assert.NotNull(state.Nodes);
        Assert.NotNull(state.Items);
        var node = Nodes.Create(network, 50, [Nodes.Address(0)], configure: o => new DhtNodeOptions
        {
            Transport = o.Transport, TimeProvider = o.TimeProvider, Random = o.Random, BootstrapNodes = o.BootstrapNodes, State = state,
        });
        var warnings = new List<DhtWarningEventArgs>();
        node.Warning += (_, e) => warnings.Add(e);
        node.Listen();
        network.RunUntil(node.WaitForReadyAsync());
        node.Flush();
        Assert.True(node.NodeCount >= 5, $"{node.NodeCount} nodes");
        Assert.Equal(0, node.GetStats().StoredItems);
        bool anyEntry = json.Contains("[ ", StringComparison.Ordinal);
        Assert.Equal(anyEntry ? 1 : 0, warnings.Count(w => w.Kind == DhtWarningKind.StateEntryIgnored));
    }

    [Fact]
    public async Task A_state_built_in_code_with_null_entries_and_fields_does_not_crash_listen()
    {
        var network = new TestNetwork();
        var state = new DhtState
        {
            Nodes = [null!, new DhtStateNode { Id = null!, Host = null!, Port = 1 }],
            Peers = null!,
            Items = [new DhtStateItem { Value = null! }, new DhtStateItem { Value = new string('a', 5000) }],
        };
        var node = Nodes.Create(network, 0, configure: o => new DhtNodeOptions
        {
            Transport = o.Transport, TimeProvider = o.TimeProvider, Random = o.Random, BootstrapNodes = [], State = state,
        });
        var warning = new TaskCompletionSource<DhtWarningEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        node.Warning += (_, e) => warning.TrySetResult(e);
        node.Listen();
        var ignored = await warning.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(DhtWarningKind.StateEntryIgnored, ignored.Kind);
        Assert.StartsWith("4 damaged entries", ignored.Message);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[1, 2, 3]")]
    [InlineData("""{ "Nodes": 5 }""")]
    [InlineData("""{ "Items": [ { "k": "00" } ] }""")]
    [InlineData("null")]
    public void A_state_that_is_not_a_state_document_is_a_json_exception(string json)
    {
        Assert.Throws<System.Text.Json.JsonException>(() => DhtState.FromJson(json));
    }

    [Fact]
    public async Task A_deeply_nested_or_oversized_state_file_is_a_json_exception()
    {
        Assert.Throws<System.Text.Json.JsonException>(() => DhtState.FromJson(new string('[', 10_000)));
        string path = Path.Combine(Path.GetTempPath(), $"dht-state-{Guid.NewGuid():N}.json");
        try
        {
            await using (var file = File.Create(path))
            {
                file.SetLength(DhtState.MaxFileSize + 1);
            }
            await Assert.ThrowsAsync<System.Text.Json.JsonException>(() => DhtState.LoadAsync(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
