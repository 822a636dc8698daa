using System.Net;
using BitTorrent.Client;
using BitTorrent.Encryption;
using BitTorrent.Interop.Tests.Encryption;
using TestContent = BitTorrent.Client.Tests.TestContent;

namespace BitTorrent.Interop.Tests.Client;

/// <summary>
/// Our engine with encryption required against aria2 1.36 with <c>--bt-require-crypto=true --bt-min-crypto-level=arc4</c>
/// (RC4 only) over 127.0.0.1, both directions; files compared byte for byte, the connection encrypted. aria2 cannot be
/// told to dial a peer, so our engine dials it either way. The wire-level MSE handshake against aria2 is in
/// <see cref="Aria2MseInteropTests"/>.
/// </summary>
public sealed class Aria2EngineEncryptionInteropTests
{
    private static EngineOptions Required() =>
        EngineInterop.Loopback() with { Encryption = new MseOptions { Policy = EncryptionPolicy.Required } };

    private static CliPeerProcess StartAria2(TestContent data, string directory, int port, params string[] more) =>
        CliPeerProcess.Start("/usr/bin/aria2c", data.Root, [
            "--bt-require-crypto=true", "--bt-min-crypto-level=arc4",
            "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
            "--disable-ipv6=true", $"--listen-port={port}", "--summary-interval=1", "--console-log-level=notice",
            "--no-conf=true", $"--dir={directory}", .. more, data.TorrentFile]);

    private static Task<TestContent> CreateContentAsync(int seed) =>
        TestContent.CreateAsync([3 * 1024 * 1024, 40_000, 1024 * 1024 + 77], 64 * 1024, seed, prefix: "bt-aria2-mse-");

    [Fact]
    public async Task Our_engine_requiring_encryption_downloads_from_an_aria2_seeder_that_requires_it()
    {
        using var data = await CreateContentAsync(seed: 35);
        int port = Encryption.Loopback.FreePort();
        await using var aria2 = StartAria2(data, data.SeedDirectory, port, "--check-integrity=true", "--seed-ratio=0.0");
        await aria2.WaitForLineAsync("SEED(", EngineInterop.Bound); // checked every piece and serves

        await using var engine = await ClientEngine.StartAsync(Required());
        var target = data.NewDirectory("ours");
        var session = await engine.AddAsync(data.Torrent,
            new TorrentOptions { SaveDirectory = target, Peers = [new IPEndPoint(IPAddress.Loopback, port)] });
        await session.WaitForCompletionAsync().WaitAsync(EngineInterop.Bound);

        data.AssertSameFiles(target);
        Assert.True(session.Downloaded >= data.Torrent.Info.TotalLength, $"downloaded {session.Downloaded}");
        Assert.True((await EngineInterop.FirstPeerAsync(engine)).Flags.HasFlag(PeerFlags.Encrypted));
    }

    [Fact]
    public async Task Aria2_requiring_encryption_downloads_from_our_engine_that_requires_it()
    {
        using var data = await CreateContentAsync(seed: 36);
        await using var engine = await ClientEngine.StartAsync(Required());
        var seed = await engine.AddAsync(data.Torrent, new TorrentOptions { SaveDirectory = data.SeedDirectory });
        await seed.WaitForCompletionAsync().WaitAsync(EngineInterop.Bound);

        int port = Encryption.Loopback.FreePort();
        var target = data.NewDirectory("aria2");
        await using var aria2 = StartAria2(data, target, port, "--seed-time=0");
        await aria2.WaitForLineAsync("CN:", EngineInterop.Bound); // its first summary line: it listens
        seed.AddPeer(new IPEndPoint(IPAddress.Loopback, port));
        await aria2.ExitAsync().WaitAsync(EngineInterop.Bound); // --seed-time=0: it exits once its download is complete

        Assert.True(aria2.ExitCode == 0, aria2.Output());
        data.AssertSameFiles(target);
        Assert.True(seed.Uploaded > 0);
        Assert.True((await EngineInterop.FirstPeerAsync(engine)).Flags.HasFlag(PeerFlags.Encrypted));
    }
}
