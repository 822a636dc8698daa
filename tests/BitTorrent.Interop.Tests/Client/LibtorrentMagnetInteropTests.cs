using System.Net;
using BitTorrent.Client;
using BitTorrent.Client.Tests;
using BitTorrent.Dht;
using BitTorrent.Extensions;
using BitTorrent.Interop.Tests.Extensions;

namespace BitTorrent.Interop.Tests.Client;

/// <summary>
/// Magnet only: our engine starts from a magnet link with nothing but the info hash, finds a libtorrent 2.0.8 seeder
/// through a DHT on 127.0.0.1 (one of our nodes as the bootstrap node both use), fetches the metadata from it with
/// ut_metadata and completes; files byte-identical.
/// </summary>
public sealed class LibtorrentMagnetInteropTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_bare_magnet_link_finds_a_libtorrent_seeder_through_the_DHT_and_completes()
    {
        using var data = await TestContent.CreateAsync([6 * 1024 * 1024, 0, 90_000], 128 * 1024, seed: 17, prefix: "bt-lt-magnet-");
        var hash = data.Torrent.Info.InfoHash;
        using var router = new DhtNode(new DhtNodeOptions { BootstrapNodes = [] });
        var seederStored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        router.Announced += (_, e) => { if (e.InfoHash == hash) seederStored.TrySetResult(); };
        router.Listen(0, IPAddress.Loopback);
        var routerEndPoint = (IPEndPoint)router.LocalEndPoint!;

        await using var seeder = ExtPeerProcess.StartLibtorrent(new
        {
            torrent = data.TorrentFile, savePath = data.SeedDirectory, dhtBootstrap = $"127.0.0.1:{routerEndPoint.Port}",
        }, "engine-libtorrent.py");
        await seeder.WaitForAsync("finished", timeout: Bound);
        // libtorrent announces to the closest nodes it knows: the router stores it.
        await seederStored.Task.WaitAsync(Bound);

        await using var engine = await ClientEngine.StartAsync(new EngineOptions
        {
            ListenAddresses = [IPAddress.Loopback],
            DhtBootstrapNodes = [routerEndPoint],
        });
        await using var alerts = new AlertWatcher(engine);
        var target = data.NewDirectory("magnet");
        var session = await engine.AddAsync(MagnetLink.Parse($"magnet:?xt=urn:btih:{hash}"), new TorrentOptions { SaveDirectory = target });
        await session.WaitForCompletionAsync().WaitAsync(Bound);

        data.AssertSameFiles(target);
        Assert.Contains(alerts.Seen.OfType<PeerConnectedAlert>(), a => a.Peer.Source == PeerSource.Dht);
    }
}
