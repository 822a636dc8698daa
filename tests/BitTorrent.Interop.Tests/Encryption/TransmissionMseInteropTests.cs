using System.Net;
using BitTorrent.Encryption;

namespace BitTorrent.Interop.Tests.Encryption;

/// <summary>
/// MSE against Transmission 3.00 (transmission-cli) with <c>"encryption": 2</c> (required). Transmission never dials
/// loopback peers, so we dial it in both directions, each test from its own 127.0.0.N (it remembers peers by address).
/// It unchokes on a 10 s rechoke timer, so each transfer takes 10-20 s.
/// </summary>
public sealed class TransmissionMseInteropTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("mse-tr-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private CliPeerProcess Start(string torrent, string downloadDir, int port) =>
        TransmissionCli.Start(_folder, torrent, downloadDir, port, requireEncryption: true);

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
