using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BitTorrent.Interop.Tests.Extensions;
using BitTorrent.Wire;

namespace BitTorrent.Interop.Tests.PeerWire;

/// <summary>Our Wire against the npm bittorrent-protocol 5.0.9 under Node, over loopback TCP, in both directions.</summary>
public class NodeWireInteropTests
{
    private const int PieceLength = 64 * 1024;
    private static readonly InfoHash Hash = InfoHash.Parse("4e6f64655769726549676e7465726f7052756e21");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    /// <summary>The byte at torrent offset o is (o * 13 + 7) &amp; 0xff on both sides.</summary>
    private static byte[] Content(int index, int begin, int length)
    {
        var block = new byte[length];
        long start = (long)index * PieceLength + begin;
        for (int i = 0; i < length; i++) block[i] = (byte)(((start + i) * 13 + 7) & 0xff);
        return block;
    }

    private sealed class Echo(BitTorrent.Wire.Wire wire) : IWireExtension
    {
        public string Name => "x_echo";
        public TaskCompletionSource<string> Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public void OnMessage(ReadOnlySpan<byte> payload) => Received.TrySetResult(System.Text.Encoding.UTF8.GetString(payload));
        public void Send(string text) => wire.Extended(Name, System.Text.Encoding.UTF8.GetBytes(text));
    }

    private sealed record Session(ExtPeerProcess Node, BitTorrent.Wire.Wire Wire, Echo Echo, JsonObject NodeHandshake) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Wire.DisposeAsync();
            await Node.DisposeAsync();
        }
    }

    /// <summary>Connects our wire and a Node wire, handshakes both ways and waits for both extended handshakes.</summary>
    private static async Task<Session> ConnectAsync(bool weConnect, WireExtensions ours = WireExtensions.Fast | WireExtensions.Dht,
        bool nodeFast = true, bool nodeServes = true)
    {
        var nodeOptions = new Dictionary<string, object>
        {
            ["infoHash"] = Hash.ToString(), ["fast"] = nodeFast, ["dht"] = true, ["pieceLength"] = PieceLength, ["serve"] = nodeServes,
        };
        ExtPeerProcess node;
        BitTorrent.Wire.Wire wire;
        var options = new WireOptions();
        if (weConnect)
        {
            nodeOptions["mode"] = "listen";
            nodeOptions["port"] = 0;
            node = ExtPeerProcess.StartNode(nodeOptions, "wire-peer.mjs");
            var listening = await node.WaitForAsync("listening");
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, (int)listening["port"]!)).WaitAsync(Bound);
            wire = new BitTorrent.Wire.Wire(socket, options);
        }
        else
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            nodeOptions["mode"] = "connect";
            nodeOptions["port"] = ((IPEndPoint)listener.LocalEndpoint).Port;
            node = ExtPeerProcess.StartNode(nodeOptions, "wire-peer.mjs");
            wire = new BitTorrent.Wire.Wire(await listener.AcceptSocketAsync().WaitAsync(Bound), options);
        }
        var echo = wire.Use(w => new Echo(w));
        var extended = new TaskCompletionSource<ExtendedHandshake>(TaskCreationOptions.RunContinuationsAsynchronously);
        wire.ExtendedHandshakeReceived += (_, e) => extended.TrySetResult(e.Handshake);
        if (!weConnect) wire.HandshakeReceived += (_, _) => wire.Handshake(Hash, PeerId.CreateRandom(), ours);
        wire.Start();
        if (weConnect) wire.Handshake(Hash, PeerId.CreateRandom(), ours);
        var nodeHandshake = await node.WaitForAsync("handshake");
        await extended.Task.WaitAsync(Bound);
        await node.WaitForAsync("extended-handshake");
        return new Session(node, wire, echo, nodeHandshake);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Handshake_extensions_and_an_extended_message_both_ways(bool weConnect)
    {
        await using var s = await ConnectAsync(weConnect);
        // What Node saw from us.
        var extensions = (JsonObject)s.NodeHandshake["extensions"]!;
        Assert.True((bool)extensions["dht"]!);
        Assert.True((bool)extensions["fast"]!);
        Assert.True((bool)extensions["extended"]!);
        Assert.Equal(Hash.ToString(), (string)s.NodeHandshake["infoHash"]!);
        var theirExtended = await s.Node.WaitForAsync("x_echo-handshake");
        Assert.NotNull(theirExtended);
        // What we saw from Node.
        Assert.Equal(WireExtensions.Dht | WireExtensions.Fast | WireExtensions.Extended, s.Wire.PeerExtensions);
        Assert.True(s.Wire.HasFast);
        Assert.StartsWith("-NW0001-", System.Text.Encoding.ASCII.GetString(s.Wire.PeerId!.Value.Span[..8]));
        Assert.True(s.Wire.PeerSupportsExtension("x_echo"));

        s.Echo.Send("hello node");
        Assert.Equal("hello node", (string)(await s.Node.WaitForAsync("x_echo"))["payload"]!);
        await s.Node.SendAsync(new { cmd = "echo", payload = "hello dotnet" });
        Assert.Equal("hello dotnet", await s.Echo.Received.Task.WaitAsync(Bound));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Bitfield_have_choke_unchoke_interest_port_and_keep_alive(bool weConnect)
    {
        await using var s = await ConnectAsync(weConnect, nodeFast: false);
        var bitfield = new TaskCompletionSource<BitField>(TaskCreationOptions.RunContinuationsAsynchronously);
        var have = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var unchoke = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var choke = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var interested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var keepAlive = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var port = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        s.Wire.BitfieldReceived += (_, e) => bitfield.TrySetResult(e.BitField);
        s.Wire.HaveReceived += (_, e) => have.TrySetResult(e.Index);
        s.Wire.PeerUnchoked += (_, _) => unchoke.TrySetResult();
        s.Wire.PeerChoked += (_, _) => choke.TrySetResult();
        s.Wire.PeerInterestedReceived += (_, _) => interested.TrySetResult();
        s.Wire.KeepAliveReceived += (_, _) => keepAlive.TrySetResult();
        s.Wire.PortReceived += (_, e) => port.TrySetResult(e.Port);

        await s.Node.SendAsync(new { cmd = "bitfield", hex = "a0" });
        Assert.True((await bitfield.Task.WaitAsync(Bound))[0]);
        Assert.False(s.Wire.PeerPieces[1]);
        Assert.True(s.Wire.PeerPieces[2]);
        await s.Node.SendAsync(new { cmd = "have", index = 1 });
        Assert.Equal(1, await have.Task.WaitAsync(Bound));
        Assert.True(s.Wire.PeerPieces[1]);
        await s.Node.SendAsync(new { cmd = "interested" });
        await interested.Task.WaitAsync(Bound);
        await s.Node.SendAsync(new { cmd = "unchoke" });
        await unchoke.Task.WaitAsync(Bound);
        await s.Node.SendAsync(new { cmd = "choke" });
        await choke.Task.WaitAsync(Bound);
        await s.Node.SendAsync(new { cmd = "keepAlive" });
        await keepAlive.Task.WaitAsync(Bound);
        await s.Node.SendAsync(new { cmd = "port", port = 6881 });
        Assert.Equal(6881, await port.Task.WaitAsync(Bound));

        var ours = new BitField(8);
        ours.Set(0);
        ours.Set(7);
        s.Wire.Bitfield(ours);
        Assert.Equal("81", (string)(await s.Node.WaitForAsync("bitfield"))["hex"]!);
        s.Wire.Have(5);
        Assert.Equal(5, (int)(await s.Node.WaitForAsync("have"))["index"]!);
        s.Wire.Interested();
        await s.Node.WaitForAsync("interested");
        s.Wire.Unchoke();
        await s.Node.WaitForAsync("unchoke");
        s.Wire.Choke();
        await s.Node.WaitForAsync("choke");
        s.Wire.KeepAlive();
        await s.Node.WaitForAsync("keep-alive");
        s.Wire.Port(7000);
        Assert.Equal(7000, (int)(await s.Node.WaitForAsync("port"))["port"]!);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Multi_piece_transfer_verified_by_sha1_on_both_sides(bool weConnect)
    {
        await using var s = await ConnectAsync(weConnect);
        // We download 4 pieces from Node.
        var unchoked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        s.Wire.PeerUnchoked += (_, _) => unchoked.TrySetResult();
        s.Wire.Interested();
        await s.Node.WaitForAsync("interested");
        await s.Node.SendAsync(new { cmd = "unchoke" });
        await unchoked.Task.WaitAsync(Bound);
        for (int piece = 0; piece < 4; piece++)
        {
            var blocks = await Task.WhenAll(Enumerable.Range(0, PieceLength / 16384)
                .Select(b => s.Wire.RequestAsync(piece, b * 16384, 16384).AsTask())).WaitAsync(Bound);
            Assert.Equal(SHA1.HashData(Content(piece, 0, PieceLength)), SHA1.HashData(blocks.SelectMany(b => b).ToArray()));
        }
        Assert.Equal(4 * PieceLength, s.Wire.Downloaded);

        // Node downloads 4 pieces from us and checks them on its side.
        s.Wire.RequestHandler = (r, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(Content(r.Index, r.Begin, r.Length));
        s.Wire.Unchoke();
        await s.Node.WaitForAsync("unchoke");
        await s.Node.SendAsync(new { cmd = "download", pieces = 4 });
        var done = await s.Node.WaitForAsync("download-done");
        Assert.True((bool)done["ok"]!, done.ToJsonString());
        Assert.Equal(4 * PieceLength, (int)done["downloaded"]!);
        Assert.Equal(4 * PieceLength, s.Wire.Uploaded);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Fast_extension_messages_both_ways(bool weConnect)
    {
        await using var s = await ConnectAsync(weConnect, nodeServes: true);
        var haveAll = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var haveNone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var suggest = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var allowed = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        s.Wire.HaveAllReceived += (_, _) => haveAll.TrySetResult();
        s.Wire.HaveNoneReceived += (_, _) => haveNone.TrySetResult();
        s.Wire.SuggestReceived += (_, e) => suggest.TrySetResult(e.Index);
        s.Wire.AllowedFastReceived += (_, e) => allowed.TrySetResult(e.Index);

        await s.Node.SendAsync(new { cmd = "haveAll" });
        await haveAll.Task.WaitAsync(Bound);
        Assert.True(s.Wire.PeerPieces[123]);
        await s.Node.SendAsync(new { cmd = "haveNone" });
        await haveNone.Task.WaitAsync(Bound);
        await s.Node.SendAsync(new { cmd = "suggest", index = 2 });
        Assert.Equal(2, await suggest.Task.WaitAsync(Bound));
        await s.Node.SendAsync(new { cmd = "allowedFast", index = 3 });
        Assert.Equal(3, await allowed.Task.WaitAsync(Bound));

        // Allowed-fast: we may request piece 3 while Node chokes us, and Node serves it.
        Assert.True(s.Wire.PeerChoking);
        var block = await s.Wire.RequestAsync(3, 0, 16384).AsTask().WaitAsync(Bound);
        Assert.Equal(Content(3, 0, 16384), block);

        // Our Fast messages reach Node.
        s.Wire.HaveAll();
        await s.Node.WaitForAsync("have-all");
        s.Wire.HaveNone();
        await s.Node.WaitForAsync("have-none");
        s.Wire.Suggest(6);
        Assert.Equal(6, (int)(await s.Node.WaitForAsync("suggest"))["index"]!);
        s.Wire.AllowedFast(7);
        Assert.Equal(7, (int)(await s.Node.WaitForAsync("allowed-fast"))["index"]!);
        // Node requests piece 7 while we choke it: allowed-fast, so we answer.
        var never = new TaskCompletionSource<ReadOnlyMemory<byte>>();
        s.Wire.RequestHandler = (r, _) => r.Index == 8
            ? new ValueTask<ReadOnlyMemory<byte>>(never.Task)
            : ValueTask.FromResult<ReadOnlyMemory<byte>>(Content(r.Index, r.Begin, r.Length));
        await s.Node.SendAsync(new { cmd = "request", index = 7, begin = 0, length = 16384 });
        Assert.True((bool)(await s.Node.WaitForAsync("request-done", e => (int)e["index"]! == 7))["ok"]!);
        // A pending request outside the allowed-fast set is rejected when we choke (BEP 6), and Node's request fails so.
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        s.Wire.RequestReceived += (_, e) => { if (e.Request.Index == 8) asked.TrySetResult(); };
        s.Wire.Unchoke();
        await s.Node.WaitForAsync("unchoke");
        await s.Node.SendAsync(new { cmd = "request", index = 8, begin = 0, length = 16384 });
        await asked.Task.WaitAsync(Bound);
        s.Wire.Choke();
        var rejected = await s.Node.WaitForAsync("request-done", e => (int)e["index"]! == 8);
        Assert.Equal("request was rejected", (string)rejected["error"]!);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Cancel_reaches_node_and_nodes_reject_fails_our_request(bool weConnect)
    {
        await using var s = await ConnectAsync(weConnect, nodeServes: false);
        var unchoked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        s.Wire.PeerUnchoked += (_, _) => unchoked.TrySetResult();
        await s.Node.SendAsync(new { cmd = "unchoke" });
        await unchoked.Task.WaitAsync(Bound);

        var pending = s.Wire.RequestAsync(1, 16384, 16384).AsTask();
        await s.Node.WaitForAsync("request");
        s.Wire.Cancel(1, 16384, 16384);
        Assert.Equal(WireRequestFailure.Cancelled, (await Assert.ThrowsAsync<WireRequestException>(() => pending.WaitAsync(Bound))).Failure);
        var cancel = await s.Node.WaitForAsync("cancel");
        Assert.Equal(16384, (int)cancel["begin"]!);

        var rejectedRequest = s.Wire.RequestAsync(2, 0, 16384).AsTask();
        await s.Node.WaitForAsync("request", e => (int)e["index"]! == 2);
        await s.Node.SendAsync(new { cmd = "reject", index = 2, begin = 0, length = 16384 });
        Assert.Equal(WireRequestFailure.Rejected, (await Assert.ThrowsAsync<WireRequestException>(() => rejectedRequest.WaitAsync(Bound))).Failure);
    }

    [Fact]
    public async Task Ending_our_wire_ends_nodes()
    {
        await using var s = await ConnectAsync(weConnect: true);
        s.Wire.End();
        await s.Node.WaitForAsync("end");
        await s.Wire.Completion.WaitAsync(Bound);
        Assert.Equal(WireCloseReason.LocalEnd, s.Wire.CloseReason!.Reason);
    }
}
