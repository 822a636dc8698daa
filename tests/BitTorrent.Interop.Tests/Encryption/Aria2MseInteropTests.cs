using System.Net;
using BitTorrent.Encryption;

namespace BitTorrent.Interop.Tests.Encryption;

/// <summary>
/// MSE against aria2 1.36 with <c>--bt-require-crypto=true</c> (and <c>--bt-min-crypto-level=arc4</c>: RC4 only), both
/// directions. aria2 cannot be told to dial a peer, so we dial its listen port either way.
/// </summary>
public sealed class Aria2MseInteropTests : IDisposable
{
    private const string Program = "/usr/bin/aria2c";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("mse-aria2-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private CliPeerProcess Start(string torrent, string dir, int port, params string[] more) =>
        CliPeerProcess.Start(Program, _folder, [
            "--bt-require-crypto=true", "--bt-min-crypto-level=arc4",
            "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
            "--disable-ipv6=true", $"--listen-port={port}", "--summary-interval=1", "--console-log-level=notice",
            "--no-conf=true", $"--dir={dir}", .. more, torrent]);

    [Fact]
    public async Task We_dial_aria2_and_download_over_MSE()
    {
        var content = new TestContent("aria2-seed", 32 * 1024, 800_000 + 3, seed: 41);
        var torrent = content.WriteTorrent(_folder);
        var data = Directory.CreateDirectory(Path.Combine(_folder, "data")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(data, content.Name), content.Data);
        var port = Loopback.FreePort();
        await using var aria2 = Start(torrent, data, port, "--seed-ratio=0.0", "--seed-time=5", "--bt-seed-unverified=true");
        await aria2.WaitForLineAsync("SEED", Bound);

        var connector = new MseConnector(new MseOptions { Policy = EncryptionPolicy.Required });
        var peerId = PeerId.CreateRandom();
        var result = await connector.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), null, content.InfoHash,
            MseConnector.BitTorrentHandshake(content.InfoHash, peerId)).WaitAsync(Bound);
        Assert.Equal(CryptoMethods.Rc4, result.Method);
        await using var wire = new BitTorrent.Wire.Wire(result.Connection);
        Assert.Equal(content.Data, await WireLeecher.DownloadAsync(wire, content, dialled: true, Bound, peerId));
    }

    [Fact]
    public async Task Aria2_downloads_from_us_over_MSE()
    {
        var content = new TestContent("aria2-leech", 32 * 1024, 800_000 + 1, seed: 42);
        var torrent = content.WriteTorrent(_folder);
        var download = Directory.CreateDirectory(Path.Combine(_folder, "download")).FullName;
        var port = Loopback.FreePort();
        await using var aria2 = Start(torrent, download, port, "--seed-time=0");
        await aria2.WaitForLineAsync("CN:", Bound);

        var connector = new MseConnector(new MseOptions { Policy = EncryptionPolicy.Required });
        var peerId = PeerId.CreateRandom();
        var result = await connector.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), null, content.InfoHash,
            MseConnector.BitTorrentHandshake(content.InfoHash, peerId)).WaitAsync(Bound);
        Assert.Equal(CryptoMethods.Rc4, result.Method);
        await using var wire = new BitTorrent.Wire.Wire(result.Connection);
        WireSeeder.Serve(wire, content, dialled: true, peerId);
        await aria2.ExitAsync().WaitAsync(Bound);
        Assert.True(aria2.ExitCode == 0, aria2.Output());
        Assert.Equal(content.Data, await File.ReadAllBytesAsync(Path.Combine(download, content.Name)));
    }
}
