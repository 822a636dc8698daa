using System.Diagnostics;

namespace BitTorrent.Client.Tests.RateLimiting;

/// <summary>The engine-wide upload limit holds on a real transfer.</summary>
public class UploadRateLimitTests
{
    [Fact]
    public async Task A_seeder_with_an_upload_limit_serves_no_faster_than_the_limit_allows()
    {
        const long limit = 512 * 1024;
        using var content = await TestContent.CreateAsync([2 * 1024 * 1024], pieceLength: 32 * 1024);
        await using var seeder = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions() with { UploadRateLimit = limit });
        await using var leecher = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        var seed = await seeder.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.SeedDirectory });
        await seed.WaitForCompletionAsync().WaitAsync(TimeSpan.FromSeconds(60));

        var clock = Stopwatch.StartNew();
        var download = await leecher.AddAsync(content.Torrent, new TorrentOptions
        {
            SaveDirectory = content.NewDirectory("leecher"),
            Peers = [LoopbackSwarmTests.EndPointOf(seeder)],
        });
        await download.WaitForCompletionAsync().WaitAsync(TimeSpan.FromSeconds(60));
        clock.Stop();

        // The bucket starts full (one second of the rate); the other 1.5 MiB come at 512 KiB/s: at least 3 s. Unlimited,
        // the same transfer takes a fraction of a second on loopback. A lower bound only: a slow machine is not a failure.
        double least = (content.Torrent.Info.TotalLength - limit) / (double)limit;
        Assert.True(clock.Elapsed.TotalSeconds >= least * 0.95, $"{clock.Elapsed.TotalSeconds:F2} s, at least {least:F2} s expected");
        // The leecher's count, not the seeder's: the seeder counts a block once it is flushed, which can trail the end.
        Assert.True(download.Downloaded >= content.Torrent.Info.TotalLength);
        content.AssertSameFiles(Path.Combine(content.Root, "leecher"));
    }
}
