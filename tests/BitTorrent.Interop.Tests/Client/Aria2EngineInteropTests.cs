using BitTorrent.Client.Tests;
using BitTorrent.Interop.Tests.Encryption;
using TestContent = BitTorrent.Client.Tests.TestContent;

namespace BitTorrent.Interop.Tests.Client;

/// <summary>
/// Our engine downloads from an aria2 1.36 seeder over loopback TCP (aria2 checks the data, then seeds on the port we
/// give it; we dial it): a multi-file torrent with an empty file and a file smaller than a piece, byte-identical.
/// aria2 downloading from our seeder is in <see cref="EngineTrackerInteropTests"/> (it learns peers only from a tracker).
/// </summary>
public sealed class Aria2EngineInteropTests
{
    [Fact]
    public async Task Our_engine_downloads_from_an_aria2_seeder()
    {
        using var data = await TestContent.CreateAsync([12 * 1024 * 1024, 0, 70_000, 3 * 1024 * 1024 + 5], 256 * 1024, seed: 31, prefix: "bt-aria2-engine-");
        int port = Loopback.FreePort();
        await using var aria2 = CliPeerProcess.Start("/usr/bin/aria2c", data.Root,
            "--check-integrity=true", "--seed-ratio=0.0", "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
            "--enable-peer-exchange=false", "--disable-ipv6=true", $"--listen-port={port}", "--summary-interval=1",
            "--console-log-level=notice", "--no-conf=true", $"--dir={data.SeedDirectory}", data.TorrentFile);
        // Its summary line says SEED once the check found every piece and it serves.
        await aria2.WaitForLineAsync("SEED(", EngineInterop.Bound);
        await EngineInterop.DownloadFromAsync(data, port);
    }
}
