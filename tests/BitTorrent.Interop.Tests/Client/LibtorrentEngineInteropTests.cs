using BitTorrent.Client.Tests;
using BitTorrent.Interop.Tests.Extensions;

namespace BitTorrent.Interop.Tests.Client;

/// <summary>
/// Our engine against libtorrent 2.0.8 (python3-libtorrent) over loopback TCP: a 34 MiB multi-file torrent with an empty
/// file and a file smaller than a piece, downloaded from a libtorrent seeder and by a libtorrent leecher; files byte-identical.
/// </summary>
public sealed class LibtorrentEngineInteropTests
{
    [Fact]
    public async Task Our_engine_downloads_from_a_libtorrent_seeder()
    {
        using var data = await CreateContentAsync();
        await using var seeder = ExtPeerProcess.StartLibtorrent(new { torrent = data.TorrentFile, savePath = data.SeedDirectory }, "engine-libtorrent.py");
        int port = (int)(await seeder.WaitForAsync("ready", timeout: EngineInterop.Bound))["port"]!;
        await seeder.WaitForAsync("finished", timeout: EngineInterop.Bound);
        await EngineInterop.DownloadFromAsync(data, port);
    }

    [Fact]
    public async Task A_libtorrent_leecher_downloads_from_our_engine()
    {
        using var data = await CreateContentAsync();
        var (engine, seed) = await EngineInterop.SeedAsync(data);
        await using var _ = engine;

        var target = data.NewDirectory("libtorrent");
        await using var leecher = ExtPeerProcess.StartLibtorrent(
            new { torrent = data.TorrentFile, savePath = target, connect = engine.ListenPort }, "engine-libtorrent.py");
        await leecher.WaitForAsync("finished", timeout: EngineInterop.Bound);

        data.AssertSameFiles(target);
        // Our upload counter is counted after each block is flushed, so it can lag libtorrent's "finished" by the last
        // blocks (seen: 34,127,872 of 35,763,929): the identical files prove the transfer.
        Assert.True(seed.Uploaded > 0);
    }

    /// <summary>34 MiB in four files (one empty, one smaller than a piece).</summary>
    private static Task<TestContent> CreateContentAsync() =>
        TestContent.CreateAsync([20 * 1024 * 1024, 0, 100_000, 14 * 1024 * 1024 + 12_345], 256 * 1024, seed: 7, prefix: "bt-lt-engine-");
}
