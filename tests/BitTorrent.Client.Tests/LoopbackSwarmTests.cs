using System.Net;

namespace BitTorrent.Client.Tests;

/// <summary>Our engines talking to each other over loopback TCP with real files.</summary>
public sealed class LoopbackSwarmTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    internal static EngineOptions LoopbackOptions() => new()
    {
        ListenAddresses = [IPAddress.Loopback],
        EnableDht = false,
    };

    internal static IPEndPoint EndPointOf(ClientEngine engine) => new(IPAddress.Loopback, engine.ListenPort);

    [Fact]
    public async Task A_leecher_downloads_a_multi_file_torrent_from_a_seeder_byte_for_byte()
    {
        using var content = await TestContent.CreateAsync([300_000, 0, 5_000, 1_000_000], pieceLength: 64 * 1024);
        await using var seeder = await ClientEngine.StartAsync(LoopbackOptions());
        await using var leecher = await ClientEngine.StartAsync(LoopbackOptions());
        var seed = await seeder.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.SeedDirectory });
        await seed.WaitForCompletionAsync().WaitAsync(Bound);
        Assert.Equal(TorrentState.Seeding, seed.State);

        var target = content.NewDirectory("leecher");
        var download = await leecher.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = target, Peers = [EndPointOf(seeder)] });
        await download.WaitForCompletionAsync().WaitAsync(Bound);

        Assert.Equal(TorrentState.Seeding, download.State);
        Assert.Equal(1.0, download.Progress);
        content.AssertSameFiles(target);
    }
}
