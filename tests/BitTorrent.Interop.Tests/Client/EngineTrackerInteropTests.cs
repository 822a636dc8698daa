using System.Net;
using BitTorrent.Client;
using BitTorrent.Client.Tests;
using TestContent = BitTorrent.Client.Tests.TestContent;
using BitTorrent.Interop.Tests.Encryption;
using BitTorrent.Interop.Tests.Extensions;
using BitTorrent.Interop.Tests.Trackers;
using BitTorrent.Trackers;

namespace BitTorrent.Interop.Tests.Client;

/// <summary>
/// Our engine finding peers only through real trackers on 127.0.0.1 (DHT off, no peer given): two of our engines through
/// opentracker and the npm bittorrent-tracker over HTTP and UDP, and aria2 and libtorrent downloading from our seeder,
/// which they learn only from the tracker. Every process is stopped by its id; every wait is bounded.
/// </summary>
public sealed class EngineTrackerInteropTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    public static TheoryData<string, string> Trackers => new()
    {
        { "opentracker", "http" }, { "opentracker", "udp" }, { "bittorrent-tracker", "http" }, { "bittorrent-tracker", "udp" },
    };

    /// <summary>Loopback only, no DHT; a refused announce is retried after 1 s (opentracker loads its whitelist on a thread of
    /// its own, so an announce right after it starts listening can be refused as "not authorized").</summary>
    private static EngineOptions Loopback() => new()
    {
        ListenAddresses = [IPAddress.Loopback], EnableDht = false, TrackerOptions = new TrackerOptions { FailureRetryDelay = TimeSpan.FromSeconds(1) },
    };

    private static Task<TestContent> CreateContentAsync() =>
        TestContent.CreateAsync([3 * 1024 * 1024, 0, 70_000, 1024 * 1024 + 333], 64 * 1024, seed: 12, prefix: "bt-engine-tracker-");

    private static Task<TrackerProcess> StartTrackerAsync(string name, InfoHash hash) =>
        name == "opentracker" ? TrackerProcess.StartOpentrackerAsync(hash) : TrackerProcess.StartBittorrentTrackerAsync();

    /// <summary>Starts our seeder on the torrent and waits (bounded) until the tracker accepted its announce.</summary>
    private static async Task<TorrentSession> SeedAsync(ClientEngine seeder, TestContent data)
    {
        await using var alerts = new AlertWatcher(seeder);
        var seed = await seeder.AddAsync(data.Torrent, new TorrentOptions { SaveDirectory = data.SeedDirectory });
        await alerts.WaitForAsync(a => a is TrackerReplyAlert).WaitAsync(Bound);
        Assert.Equal(TorrentState.Seeding, seed.State);
        return seed;
    }

    [Theory]
    [MemberData(nameof(Trackers))]
    public async Task Two_of_our_engines_find_each_other_through_the_tracker_and_complete(string name, string protocol)
    {
        using var data = await CreateContentAsync();
        await using var tracker = await StartTrackerAsync(name, data.Torrent.Info.InfoHash);
        await data.AnnounceToAsync(tracker.Announce(protocol));
        await using var seeder = await ClientEngine.StartAsync(Loopback());
        await using var leecher = await ClientEngine.StartAsync(Loopback());
        await SeedAsync(seeder, data);

        await using var alerts = new AlertWatcher(leecher);
        var target = data.NewDirectory("leecher");
        var download = await leecher.AddAsync(data.Torrent, new TorrentOptions { SaveDirectory = target });
        var connected = (PeerConnectedAlert)await alerts.WaitForAsync(a => a is PeerConnectedAlert).WaitAsync(Bound);
        Assert.Equal((PeerSource.Tracker, seeder.ListenPort), (connected.Peer.Source, connected.Peer.EndPoint.Port));
        await download.WaitForCompletionAsync().WaitAsync(Bound);

        data.AssertSameFiles(target);
        Assert.True(download.Trackers.Single().IsWorking, tracker.Output);
        Assert.True(download.Downloaded >= data.Torrent.Info.TotalLength, $"downloaded {download.Downloaded}");
    }

    /// <summary>HTTP only: aria2 runs UDP trackers on its DHT socket, so with <c>--enable-dht=false</c> it has none.</summary>
    [Fact]
    public async Task Aria2_downloads_from_our_seeder_which_it_learns_only_from_opentracker()
    {
        using var data = await CreateContentAsync();
        await using var tracker = await TrackerProcess.StartOpentrackerAsync(data.Torrent.Info.InfoHash);
        await data.AnnounceToAsync(tracker.HttpAnnounce);
        await using var seeder = await ClientEngine.StartAsync(Loopback());
        var seed = await SeedAsync(seeder, data);

        var target = data.NewDirectory("aria2");
        await using var aria2 = CliPeerProcess.Start("/usr/bin/aria2c", data.Root,
            "--seed-time=0", "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
            "--disable-ipv6=true", $"--listen-port={Encryption.Loopback.FreePort()}", "--summary-interval=1",
            "--console-log-level=notice", "--no-conf=true", "--bt-stop-timeout=100", $"--dir={target}", data.TorrentFile);
        await aria2.ExitAsync().WaitAsync(Bound);

        Assert.True(aria2.ExitCode == 0, aria2.Output());
        data.AssertSameFiles(target);
        // The only source is our seeder; its upload counter is not compared with the total: it is counted after each
        // block is flushed, so it can lag the other client's "finished" by the last blocks.
        Assert.True(seed.Uploaded > 0);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("udp")]
    public async Task Libtorrent_downloads_from_our_seeder_which_it_learns_only_from_opentracker(string protocol)
    {
        using var data = await CreateContentAsync();
        await using var tracker = await TrackerProcess.StartOpentrackerAsync(data.Torrent.Info.InfoHash);
        await data.AnnounceToAsync(tracker.Announce(protocol));
        await using var seeder = await ClientEngine.StartAsync(Loopback());
        var seed = await SeedAsync(seeder, data);

        var target = data.NewDirectory("libtorrent");
        await using var leecher = ExtPeerProcess.StartLibtorrent(new { torrent = data.TorrentFile, savePath = target }, "engine-libtorrent.py");
        await leecher.WaitForAsync("finished", timeout: Bound);

        data.AssertSameFiles(target);
        // The only source is our seeder; its upload counter is not compared with the total: it is counted after each
        // block is flushed, so it can lag the other client's "finished" by the last blocks.
        Assert.True(seed.Uploaded > 0);
    }
}
