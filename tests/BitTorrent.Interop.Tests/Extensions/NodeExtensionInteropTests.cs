using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using BitTorrent.Extensions;
using BitTorrent.Wire;
using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Interop.Tests.Extensions;

/// <summary>Our extensions against the npm ut_pex 5, lt_donthave 2 and ut_metadata 4 on a bittorrent-protocol 5 wire, over loopback TCP.</summary>
public class NodeExtensionInteropTests
{
    private const int PieceLength = 16384;
    private const int PieceCount = 4;

    private static readonly byte[] Info = Encoding.ASCII.GetBytes(
        "d6:lengthi65536e4:name7:ext.bin12:piece lengthi16384e6:pieces80:" + new string('x', 80) + "e");

    private static readonly InfoHash Hash = InfoHash.FromInfoDictionary(Info);

    /// <summary>Connects our wire to a Node peer, in the direction asked for, and waits for both extended handshakes.</summary>
    private static async Task<(ExtPeerProcess Node, Wire.Wire Wire)> ConnectAsync(bool weConnect, WireOptions options,
        Action<Wire.Wire> use, object nodeOptions)
    {
        ExtPeerProcess node;
        Wire.Wire wire;
        if (weConnect)
        {
            node = ExtPeerProcess.StartNode(nodeOptions);
            var listening = await node.WaitForAsync("listening");
            wire = await Wire.Wire.ConnectAsync(new IPEndPoint(IPAddress.Loopback, (int)listening["port"]!), options)
                .WaitAsync(TimeSpan.FromSeconds(10));
        }
        else
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            node = ExtPeerProcess.StartNode(With(nodeOptions, "port", port));
            var socket = await listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(10));
            wire = new Wire.Wire(socket, options);
        }
        use(wire);
        var extended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        wire.ExtendedHandshakeReceived += (_, _) => extended.TrySetResult();
        wire.Start();
        wire.Handshake(Hash, PeerId.CreateRandom(), WireExtensions.Extended);
        await extended.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await node.WaitForAsync("extended-handshake");
        return (node, wire);
    }

    private static object With(object options, string key, object value)
    {
        var json = System.Text.Json.JsonSerializer.SerializeToNode(options)!.AsObject();
        json[key] = JsonValue.Create(value);
        return json;
    }

    private static object NodeOptions(bool weConnect, bool serve = false, string? metadataFile = null, bool fetch = false) => new Dictionary<string, object?>
    {
        ["mode"] = weConnect ? "listen" : "connect",
        ["port"] = 0,
        ["infoHash"] = Hash.ToString(),
        ["pieceLength"] = PieceLength,
        ["pieceCount"] = PieceCount,
        ["serve"] = serve,
        ["fast"] = false,
        ["metadataFile"] = metadataFile,
        ["fetch"] = fetch,
        ["lifetime"] = 40,
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Receives_ipv4_and_ipv6_pex_peers_with_flags_and_drops_from_node(bool weConnect)
    {
        var added = new List<PexPeerEventArgs>();
        var dropped = new List<PexPeerEventArgs>();
        var got = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (node, wire) = await ConnectAsync(weConnect, new WireOptions(), w =>
        {
            var pex = w.Use(x => new UtPex(x));
            pex.PeerAdded += (_, e) => { lock (added) added.Add(e); if (added.Count == 2) got.TrySetResult(); };
            pex.PeerDropped += (_, e) => { lock (dropped) dropped.Add(e); };
        }, NodeOptions(weConnect));
        await using (node)
        await using (wire)
        {
            await node.SendAsync(new { cmd = "pex-add", peer = "1.2.3.4:6881", flags = new { isSender = true, supportsUtp = true } });
            await node.SendAsync(new { cmd = "pex-add", peer = "[2001:db8::7]:51413", v6 = true, flags = new { isReachable = true, prefersEncryption = true } });
            await node.SendAsync(new { cmd = "pex-drop", peer = "5.6.7.8:80" });
            await node.SendAsync(new { cmd = "pex-send" });
            await got.Task.WaitAsync(TimeSpan.FromSeconds(10));

            lock (added)
            {
                Assert.Equal(new IPEndPoint(IPAddress.Parse("1.2.3.4"), 6881), added[0].EndPoint);
                Assert.Equal(PexFlags.Seed | PexFlags.SupportsUtp, added[0].Flags);
                Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 51413), added[1].EndPoint);
                Assert.Equal(PexFlags.Reachable | PexFlags.PrefersEncryption, added[1].Flags);
            }
            lock (dropped) Assert.Equal([new IPEndPoint(IPAddress.Parse("5.6.7.8"), 80)], dropped.Select(e => e.EndPoint));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Sends_pex_peers_with_flags_that_node_accepts(bool weConnect)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        UtPex pex = null!;
        var (node, wire) = await ConnectAsync(weConnect, new WireOptions { TimeProvider = time }, w => pex = w.Use(x => new UtPex(x)), NodeOptions(weConnect));
        await using (node)
        await using (wire)
        {
            pex.AddPeer(new IPEndPoint(IPAddress.Parse("10.1.2.3"), 7000), PexFlags.Seed | PexFlags.SupportsHolepunch);
            pex.AddPeer6(new IPEndPoint(IPAddress.Parse("2001:db8::9"), 7001), PexFlags.SupportsUtp);
            pex.DropPeer(new IPEndPoint(IPAddress.Parse("10.9.9.9"), 7002));
            pex.Start();
            time.Advance(TimeSpan.FromSeconds(65));

            var v4 = await node.WaitForAsync("pex-peer", e => (string?)e["peer"] == "10.1.2.3:7000");
            Assert.True((bool)v4["flags"]!["isSender"]!);
            Assert.True((bool)v4["flags"]!["supportsUtHolepunch"]!);
            Assert.False((bool)v4["flags"]!["supportsUtp"]!);
            var v6 = await node.WaitForAsync("pex-peer", e => (string?)e["peer"] == "[2001:db8::9]:7001");
            Assert.True((bool)v6["flags"]!["supportsUtp"]!);
            await node.WaitForAsync("pex-dropped", e => (string?)e["peer"] == "10.9.9.9:7002");
            Assert.False(wire.IsClosed);
        }
    }

    [Fact]
    public async Task Disconnects_node_when_it_sends_pex_seven_times_within_a_minute()
    {
        var closed = new TaskCompletionSource<WireClosedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        var added = new List<PexPeerEventArgs>();
        var (node, wire) = await ConnectAsync(true, new WireOptions(), w =>
        {
            var pex = w.Use(x => new UtPex(x));
            pex.PeerAdded += (_, e) => { lock (added) added.Add(e); };
        }, NodeOptions(true));
        await using (node)
        await using (wire)
        {
            wire.Closed += (_, e) => closed.TrySetResult(e);
            for (int i = 1; i <= 7; i++)
            {
                await node.SendAsync(new { cmd = "pex-add", peer = $"1.2.3.{i}:6881" });
                await node.SendAsync(new { cmd = "pex-send" });
            }
            var reason = await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(WireCloseReason.ExtensionViolation, reason.Reason);
            Assert.Contains("too frequently", reason.Message);
            lock (added) Assert.Equal(6, added.Count); // libtorrent's receiver allows six in a minute; so do we
            await node.WaitForAsync("close");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_donthave_from_node_fails_our_pending_request(bool weConnect)
    {
        LtDontHave donthave = null!;
        var (node, wire) = await ConnectAsync(weConnect, new WireOptions(), w => donthave = w.Use(x => new LtDontHave(x)), NodeOptions(weConnect));
        await using (node)
        await using (wire)
        {
            var received = new TaskCompletionSource<DontHaveEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
            donthave.DontHaveReceived += (_, e) => received.TrySetResult(e);
            var unchoked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wire.PeerUnchoked += (_, _) => unchoked.TrySetResult();
            wire.Interested();
            if (wire.PeerChoking) await unchoked.Task.WaitAsync(TimeSpan.FromSeconds(10));

            var request = wire.RequestAsync(2, 0, PieceLength).AsTask();
            await node.WaitForAsync("request", e => (int)e["index"]! == 2);
            Assert.True(wire.PeerPieces.Get(2));
            await node.SendAsync(new { cmd = "donthave", index = 2 });

            var failure = await Assert.ThrowsAsync<WireRequestException>(() => request.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(WireRequestFailure.DontHave, failure.Failure);
            var e = await received.Task.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(2, e.Index);
            Assert.Equal(1, e.FailedRequests);
            Assert.False(wire.PeerPieces.Get(2));
            Assert.False(wire.IsClosed);
        }
    }

    [Fact]
    public async Task Node_receives_our_donthave_for_a_piece_we_announced()
    {
        LtDontHave donthave = null!;
        var (node, wire) = await ConnectAsync(true, new WireOptions(), w => donthave = w.Use(x => new LtDontHave(x)), NodeOptions(true));
        await using (node)
        await using (wire)
        {
            Assert.True(donthave.PeerSupported);
            wire.Have(3);
            Assert.True(donthave.DontHave(3));
            var e = await node.WaitForAsync("donthave");
            Assert.Equal(3, (int)e["index"]!);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Fetches_metadata_from_node(bool weConnect)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, Info);
            var received = new TaskCompletionSource<MetadataEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
            var (node, wire) = await ConnectAsync(weConnect, new WireOptions(), w =>
            {
                var metadata = w.Use(x => new UtMetadata(x));
                metadata.MetadataReceived += (_, e) => received.TrySetResult(e);
                metadata.Fetch();
            }, NodeOptions(weConnect, metadataFile: file));
            await using (node)
            await using (wire)
            {
                var e = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
                Assert.Equal(Info, e.Info.ToArray());
                Assert.Equal(Hash, InfoHash.FromInfoDictionary(e.Info.Span));
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Serves_metadata_to_node(bool weConnect)
    {
        var (node, wire) = await ConnectAsync(weConnect, new WireOptions(), w => w.Use(x => new UtMetadata(x, Info)), NodeOptions(weConnect, fetch: true));
        await using (node)
        await using (wire)
        {
            var e = await node.WaitForAsync("metadata");
            var torrent = Convert.FromHexString((string)e["torrent"]!);
            // The npm module re-encodes {info: decode(info)}; our info dict is canonical, so the bytes survive.
            Assert.Equal(UtMetadata.WrapAsTorrent(Info), torrent);
        }
    }
}
