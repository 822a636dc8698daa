using System.Net;
using BitTorrent.Client;
using BitTorrent.Client.Tests;
using BitTorrent.Interop.Tests.Extensions;

namespace BitTorrent.Interop.Tests.Client;

/// <summary>
/// Our engine against libtorrent 2.0.8 (python3-libtorrent) over loopback TCP: a 34 MiB multi-file torrent with an empty
/// file and a file smaller than a piece, downloaded from a libtorrent seeder and by a libtorrent leecher; files byte-identical.
/// </summary>
public sealed class LibtorrentEngineInteropTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    private static EngineOptions Loopback() => new() { ListenAddresses = [IPAddress.Loopback], EnableDht = false };

    [Fact]
    public async Task Our_engine_downloads_from_a_libtorrent_seeder()
    {
        using var data = await CreateContentAsync();
        await using var seeder = ExtPeerProcess.StartLibtorrent(new { torrent = data.TorrentFile, savePath = data.SeedDirectory }, "engine-libtorrent.py");
        int port = (int)(await seeder.WaitForAsync("ready", timeout: Bound))["port"]!;
        await seeder.WaitForAsync("finished", timeout: Bound);

        await using var engine = await ClientEngine.StartAsync(Loopback());
        var target = data.NewDirectory("ours");
        var session = await engine.AddAsync(data.Torrent, new TorrentOptions { SaveDirectory = target, Peers = [new IPEndPoint(IPAddress.Loopback, port)] });
        await session.WaitForCompletionAsync().WaitAsync(Bound);

        data.AssertSameFiles(target);
        Assert.True(session.Downloaded >= data.Torrent.Info.TotalLength, $"downloaded {session.Downloaded}");
    }

    [Fact]
    public async Task A_libtorrent_leecher_downloads_from_our_engine()
    {
        using var data = await CreateContentAsync();
        await using var engine = await ClientEngine.StartAsync(Loopback());
        var seed = await engine.AddAsync(data.Torrent, new TorrentOptions { SaveDirectory = data.SeedDirectory });
        await seed.WaitForCompletionAsync().WaitAsync(Bound);

        var target = data.NewDirectory("libtorrent");
        await using var leecher = ExtPeerProcess.StartLibtorrent(
            new { torrent = data.TorrentFile, savePath = target, connect = engine.ListenPort }, "engine-libtorrent.py");
        await leecher.WaitForAsync("finished", timeout: Bound);

        data.AssertSameFiles(target);
        // Our upload counter is counted after each block is flushed, so it can lag libtorrent's "finished" by the last
        // blocks (seen: 34,127,872 of 35,763,929): the identical files prove the transfer.
        Assert.True(seed.Uploaded > 0);
    }

    /// <summary>34 MiB in four files (one empty, one smaller than a piece).</summary>
    private static Task<TestContent> CreateContentAsync() =>
        TestContent.CreateAsync([20 * 1024 * 1024, 0, 100_000, 14 * 1024 * 1024 + 12_345], 256 * 1024, seed: 7, prefix: "bt-lt-engine-");
}
