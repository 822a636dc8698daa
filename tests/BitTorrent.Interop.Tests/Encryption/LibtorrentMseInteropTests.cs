using System.Net;
using System.Net.Sockets;
using BitTorrent.Encryption;
using BitTorrent.Interop.Tests.Extensions;
using BitTorrent.Wire;

namespace BitTorrent.Interop.Tests.Encryption;

/// <summary>
/// MSE against libtorrent 2.0.8 with out_enc_policy and in_enc_policy forced (plaintext refused both ways), RC4 and
/// header-only (allowed_enc_level plaintext), in both directions, over TCP on 127.0.0.1.
/// </summary>
public sealed class LibtorrentMseInteropTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(40);
    private readonly string _folder = Directory.CreateTempSubdirectory("mse-lt-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static CryptoMethods Method(string level) => level == "rc4" ? CryptoMethods.Rc4 : CryptoMethods.Plaintext;

    [Theory]
    [InlineData("rc4")]
    [InlineData("plaintext")]
    public async Task We_dial_libtorrent_and_download_over_MSE(string level)
    {
        var content = new TestContent($"lt-seed-{level}", 32 * 1024, 1_000_000 + 123, seed: 21);
        var torrent = content.WriteTorrent(_folder);
        await File.WriteAllBytesAsync(Path.Combine(_folder, content.Name), content.Data);
        await using var libtorrent = ExtPeerProcess.StartLibtorrent(new { torrent, savePath = _folder, level, lifetime = 60 }, "mse-libtorrent.py");
        var ready = await libtorrent.WaitForAsync("ready", timeout: Bound);
        Assert.True((bool)ready["seeding"]!);

        var connector = new MseConnector(new MseOptions { Policy = EncryptionPolicy.Required, AllowedMethods = Method(level) });
        var peerId = PeerId.CreateRandom();
        var result = await connector.ConnectAsync(new IPEndPoint(IPAddress.Loopback, (int)ready["port"]!), null, content.InfoHash,
            MseConnector.BitTorrentHandshake(content.InfoHash, peerId)).WaitAsync(Bound);
        Assert.Equal(Method(level), result.Method);
        await using var wire = new BitTorrent.Wire.Wire(result.Connection);
        var data = await WireLeecher.DownloadAsync(wire, content, dialled: true, Bound, peerId);
        Assert.Equal(content.Data, data);
    }

    [Theory]
    [InlineData("rc4")]
    [InlineData("plaintext")]
    public async Task Libtorrent_dials_us_and_downloads_over_MSE(string level)
    {
        var content = new TestContent($"lt-leech-{level}", 32 * 1024, 1_000_000 + 77, seed: 22);
        var torrent = content.WriteTorrent(_folder);
        var download = Directory.CreateDirectory(Path.Combine(_folder, "download")).FullName;
        await using var libtorrent = ExtPeerProcess.StartLibtorrent(new { torrent, savePath = download, level, lifetime = 60 }, "mse-libtorrent.py");
        await libtorrent.WaitForAsync("ready", timeout: Bound);

        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        await libtorrent.SendAsync(new { cmd = "connect", port = ((IPEndPoint)listener.LocalEndPoint!).Port });
        var socket = await listener.AcceptAsync().WaitAsync(Bound);
        var result = await MseHandshake.AcceptAsync(PeerConnection.FromSocket(socket, ConnectionDirection.Incoming),
            new MseTorrentTable([content.InfoHash]), new MseOptions { Policy = EncryptionPolicy.Required }).WaitAsync(Bound);
        Assert.Equal(Method(level), result.Method);
        Assert.Equal(content.InfoHash, result.InfoHash);

        await using var wire = new BitTorrent.Wire.Wire(result.Connection);
        WireSeeder.Serve(wire, content, dialled: false);
        await libtorrent.WaitForAsync("finished", timeout: Bound);
        Assert.Equal(content.Data, await File.ReadAllBytesAsync(Path.Combine(download, content.Name)));
    }
}
