using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using BitTorrent.Dht;
using BitTorrent.Dht.Krpc;
using BitTorrent.Metainfo;
using BitTorrent.Wire;

namespace BitTorrent.Client.Tests.Trackers;

/// <summary>BEP 27: a private torrent uses only its trackers: no DHT announce or lookup, no PEX, neither advertised.</summary>
public sealed class PrivateTorrentTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static async Task<Torrent> CreateAsync(TestContent content, bool isPrivate) =>
        await TorrentCreator.CreateAsync(Path.Combine(content.SeedDirectory, "content"),
            new TorrentCreateOptions { PieceLength = 16 * 1024, IsPrivate = isPrivate });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_private_torrent_advertises_neither_the_DHT_bit_nor_ut_pex(bool isPrivate)
    {
        using var content = await TestContent.CreateAsync([50_000], pieceLength: 16 * 1024);
        var torrent = await CreateAsync(content, isPrivate);
        await using var dht = new DhtNode(new DhtNodeOptions { BootstrapNodes = [] });
        dht.Listen(0, IPAddress.Loopback);
        await using var engine = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions() with { EnableDht = true, DhtNode = dht });
        var seed = await engine.AddAsync(torrent, new TorrentOptions { SaveDirectory = content.SeedDirectory });
        await seed.WaitForCompletionAsync().WaitAsync(Bound);

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(LoopbackSwarmTests.EndPointOf(engine));
        await using var wire = new Wire.Wire(socket);
        var handshake = new TaskCompletionSource<HandshakeEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        var extended = new TaskCompletionSource<ExtendedHandshake>(TaskCreationOptions.RunContinuationsAsynchronously);
        wire.HandshakeReceived += (_, e) => handshake.TrySetResult(e);
        wire.ExtendedHandshakeReceived += (_, e) => extended.TrySetResult(e.Handshake);
        wire.Handshake(torrent.Info.InfoHash, PeerId.CreateRandom(), WireExtensions.Fast | WireExtensions.Dht);
        wire.Start();

        Assert.Equal(!isPrivate, (await handshake.Task.WaitAsync(Bound)).Extensions.HasFlag(WireExtensions.Dht));
        var names = (await extended.Task.WaitAsync(Bound)).M.Select(m => m.Key).ToList();
        Assert.Equal(!isPrivate, names.Contains("ut_pex"));
        Assert.Contains("ut_metadata", names);
    }

    [Fact]
    public async Task A_private_torrent_is_never_looked_up_or_announced_on_the_DHT_while_a_public_one_is()
    {
        using var privateContent = await TestContent.CreateAsync([40_000], pieceLength: 16 * 1024, seed: 3);
        using var publicContent = await TestContent.CreateAsync([40_000], pieceLength: 16 * 1024, seed: 4);
        var privateTorrent = await CreateAsync(privateContent, isPrivate: true);
        var publicTorrent = await CreateAsync(publicContent, isPrivate: false);

        // The engine's DHT knows one node, the observer, which records every query it receives.
        await using var observer = new DhtNode(new DhtNodeOptions { BootstrapNodes = [] });
        var queries = Channel.CreateUnbounded<DhtQueryEventArgs>();
        observer.QueryReceived += (_, e) => queries.Writer.TryWrite(e);
        observer.Listen(0, IPAddress.Loopback);
        await using var dht = new DhtNode(new DhtNodeOptions { BootstrapNodes = [] });
        dht.Listen(0, IPAddress.Loopback);
        Assert.True(dht.AddNode(observer.LocalEndPoint!, observer.Id));
        await using var engine = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions() with { EnableDht = true, DhtNode = dht });

        // The private torrent starts (and would announce at once) first; then the public one, whose lookup must arrive.
        var hidden = await engine.AddAsync(privateTorrent, new TorrentOptions { SaveDirectory = privateContent.SeedDirectory });
        await hidden.WaitForCompletionAsync().WaitAsync(Bound);
        await engine.AddAsync(publicTorrent, new TorrentOptions { SaveDirectory = publicContent.SeedDirectory });
        var publicTarget = NodeId.FromInfoHash(publicTorrent.Info.InfoHash);
        var privateTarget = NodeId.FromInfoHash(privateTorrent.Info.InfoHash);
        var seen = new List<DhtQueryEventArgs>();
        using var bound = new CancellationTokenSource(Bound);
        while (!seen.Any(q => q.Method == KrpcMethod.AnnouncePeer && q.Target == publicTarget))
            seen.Add(await queries.Reader.ReadAsync(bound.Token));

        Assert.Contains(seen, q => q.Method == KrpcMethod.GetPeers && q.Target == publicTarget);
        Assert.DoesNotContain(seen, q => q.Target == privateTarget);
    }
}
