using BitTorrent.Client.Tests;
using BitTorrent.Interop.Tests.Extensions;

namespace BitTorrent.Interop.Tests.Client;

/// <summary>
/// Our engine against WebTorrent 1.9.7 (npm <c>webtorrent</c> under Node, tests/interop-peers/webtorrent-peer.cjs) over
/// loopback TCP, with its DHT, trackers, LSD and uTP off: a 34 MiB multi-file torrent with an empty file and a file
/// smaller than a piece, downloaded from a WebTorrent seeder and by a WebTorrent leecher; files byte-identical (WebTorrent
/// does not create the empty file).
/// </summary>
public sealed class WebTorrentEngineInteropTests
{
    [Fact]
    public async Task Our_engine_downloads_from_a_WebTorrent_seeder()
    {
        using var data = await CreateContentAsync();
        await using var seeder = ExtPeerProcess.StartNode(new { torrent = data.TorrentFile, path = data.SeedDirectory }, "webtorrent-peer.cjs");
        int port = (int)(await seeder.WaitForAsync("ready", timeout: EngineInterop.Bound))["port"]!;
        await seeder.WaitForAsync("finished", timeout: EngineInterop.Bound);
        await EngineInterop.DownloadFromAsync(data, port);
    }

    [Fact]
    public async Task A_WebTorrent_leecher_downloads_from_our_engine()
    {
        using var data = await CreateContentAsync();
        var (engine, seed) = await EngineInterop.SeedAsync(data);
        await using var _ = engine;

        var target = data.NewDirectory("webtorrent");
        await using var leecher = ExtPeerProcess.StartNode(
            new { torrent = data.TorrentFile, path = target, peer = $"127.0.0.1:{engine.ListenPort}" }, "webtorrent-peer.cjs");
        await leecher.WaitForAsync("finished", timeout: EngineInterop.Bound);

        // WebTorrent does not create the empty file (fs-chunk-store opens a file only to write to it).
        data.AssertSameFiles(target, emptyMayBeMissing: true);
        Assert.True(seed.Uploaded > 0);
    }

    /// <summary>34 MiB in four files (one empty, one smaller than a piece).</summary>
    private static Task<TestContent> CreateContentAsync() =>
        TestContent.CreateAsync([20 * 1024 * 1024, 0, 100_000, 14 * 1024 * 1024 + 12_345], 256 * 1024, seed: 9, prefix: "bt-wt-engine-");
}
