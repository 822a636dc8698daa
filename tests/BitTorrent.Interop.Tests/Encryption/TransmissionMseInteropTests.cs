using System.Net;
using System.Text.Json;
using BitTorrent.Encryption;

namespace BitTorrent.Interop.Tests.Encryption;

/// <summary>
/// MSE against Transmission 3.00 (transmission-cli) with <c>"encryption": 2</c> (required). Transmission never dials
/// loopback peers, so we dial it in both directions, each test from its own 127.0.0.N (it remembers peers by address).
/// It unchokes on a 10 s rechoke timer, so each transfer takes 10-20 s.
/// </summary>
public sealed class TransmissionMseInteropTests : IDisposable
{
    private const string Program = "/usr/bin/transmission-cli";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("mse-tr-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private CliPeerProcess Start(string torrent, string downloadDir, int port)
    {
        var config = Directory.CreateDirectory(Path.Combine(_folder, "config")).FullName;
        File.WriteAllText(Path.Combine(config, "settings.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["encryption"] = 2,
            ["bind-address-ipv4"] = "127.0.0.1",
            ["bind-address-ipv6"] = "::1",
            ["peer-port"] = port,
            ["dht-enabled"] = false,
            ["lpd-enabled"] = false,
            ["pex-enabled"] = false,
            ["utp-enabled"] = false,
            ["port-forwarding-enabled"] = false,
            ["rpc-enabled"] = false,
            ["speed-limit-up-enabled"] = false,
            ["speed-limit-down-enabled"] = false,
        }));
        return CliPeerProcess.Start(Program, _folder, "-g", config, "-er", "-M", "-p", port.ToString(), "-w", downloadDir, torrent);
    }

    [Fact]
    public async Task We_dial_Transmission_and_download_over_MSE()
    {
        var content = new TestContent("tr-seed", 32 * 1024, 600_000 + 5, seed: 31);
        var torrent = content.WriteTorrent(_folder);
        var data = Directory.CreateDirectory(Path.Combine(_folder, "data")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(data, content.Name), content.Data);
        var port = Loopback.FreePort();
        await using var transmission = Start(torrent, data, port);
        await transmission.WaitForLineAsync("Seeding", Bound);

        var connector = new MseConnector(new MseOptions { Policy = EncryptionPolicy.Required });
        var peerId = PeerId.CreateRandom();
        var result = await connector.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), Loopback.NextSource(), content.InfoHash,
            MseConnector.BitTorrentHandshake(content.InfoHash, peerId)).WaitAsync(Bound);
        Assert.Equal(CryptoMethods.Rc4, result.Method);
        await using var wire = new BitTorrent.Wire.Wire(result.Connection);
        Assert.Equal(content.Data, await WireLeecher.DownloadAsync(wire, content, dialled: true, Bound, peerId));
    }

    [Fact]
    public async Task Transmission_downloads_from_us_over_MSE()
    {
        var content = new TestContent("tr-leech", 32 * 1024, 600_000 + 9, seed: 32);
        var torrent = content.WriteTorrent(_folder);
        var download = Directory.CreateDirectory(Path.Combine(_folder, "download")).FullName;
        var port = Loopback.FreePort();
        await using var transmission = Start(torrent, download, port);
        await transmission.WaitForLineAsync("Progress", Bound);

        var connector = new MseConnector(new MseOptions { Policy = EncryptionPolicy.Required });
        var peerId = PeerId.CreateRandom();
        var result = await connector.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), Loopback.NextSource(), content.InfoHash,
            MseConnector.BitTorrentHandshake(content.InfoHash, peerId)).WaitAsync(Bound);
        Assert.Equal(CryptoMethods.Rc4, result.Method);
        await using var wire = new BitTorrent.Wire.Wire(result.Connection);
        WireSeeder.Serve(wire, content, dialled: true, peerId);
        await transmission.WaitForLineAsync("Seeding", Bound);
        Assert.Equal(content.Data, await File.ReadAllBytesAsync(Path.Combine(download, content.Name)));
    }
}
