using System.Net;
using BitTorrent.Client;
using BitTorrent.Client.Tests;
using BitTorrent.Interop.Tests.Encryption;
using BitTorrent.Interop.Tests.Extensions;
using TestContent = BitTorrent.Client.Tests.TestContent;

namespace BitTorrent.Interop.Tests.Client;

/// <summary>
/// Our engine with its default encryption policy (Enabled: plaintext first, then MSE) against clients that require
/// MSE over 127.0.0.1: libtorrent 2.0.8 with out_enc_policy and in_enc_policy forced (RC4 and header-only), and
/// Transmission 3.00 with "encryption": 2, both directions; files compared byte for byte.
/// </summary>
public sealed class EngineEncryptionInteropTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    private static EngineOptions Loopback() => new() { ListenAddresses = [IPAddress.Loopback], EnableDht = false };

    private static Task<TestContent> CreateContentAsync(int seed) =>
        TestContent.CreateAsync([3 * 1024 * 1024, 40_000, 1024 * 1024 + 77], 64 * 1024, seed, prefix: "bt-mse-engine-");

    [Theory]
    [InlineData("rc4")]
    [InlineData("plaintext")]
    public async Task Our_engine_downloads_from_libtorrent_that_forces_encryption(string level)
    {
        using var data = await CreateContentAsync(seed: 31);
        await using var seeder = ExtPeerProcess.StartLibtorrent(new { torrent = data.TorrentFile, savePath = data.SeedDirectory, level, lifetime = 120 },
            "mse-libtorrent.py");
        var ready = await seeder.WaitForAsync("ready", timeout: Bound);
        Assert.True((bool)ready["seeding"]!);

        await using var engine = await ClientEngine.StartAsync(Loopback());
        var target = data.NewDirectory("ours");
        var session = await engine.AddAsync(data.Torrent,
            new TorrentOptions { SaveDirectory = target, Peers = [new IPEndPoint(IPAddress.Loopback, (int)ready["port"]!)] });
        await session.WaitForCompletionAsync().WaitAsync(Bound);

        data.AssertSameFiles(target);
        Assert.Equal(level == "rc4", (await EngineInterop.FirstPeerAsync(engine)).Flags.HasFlag(PeerFlags.Encrypted));
    }

    [Theory]
    [InlineData("rc4")]
    [InlineData("plaintext")]
    public async Task Libtorrent_that_forces_encryption_downloads_from_our_engine(string level)
    {
        using var data = await CreateContentAsync(seed: 32);
        await using var engine = await ClientEngine.StartAsync(Loopback());
        var seed = await engine.AddAsync(data.Torrent, new TorrentOptions { SaveDirectory = data.SeedDirectory });
        await seed.WaitForCompletionAsync().WaitAsync(Bound);

        var target = data.NewDirectory("libtorrent");
        await using var leecher = ExtPeerProcess.StartLibtorrent(new { torrent = data.TorrentFile, savePath = target, level, lifetime = 120 },
            "mse-libtorrent.py");
        await leecher.WaitForAsync("ready", timeout: Bound);
        await leecher.SendAsync(new { cmd = "connect", port = engine.ListenPort });
        await leecher.WaitForAsync("finished", timeout: Bound);

        data.AssertSameFiles(target);
        Assert.Equal(level == "rc4", (await EngineInterop.FirstPeerAsync(engine)).Flags.HasFlag(PeerFlags.Encrypted));
    }

    [Fact]
    public async Task Our_engine_downloads_from_Transmission_that_requires_encryption()
    {
        using var data = await CreateContentAsync(seed: 33);
        int port = Encryption.Loopback.FreePort();
        await using var transmission = TransmissionCli.Start(data.Root, data.TorrentFile, data.SeedDirectory, port, requireEncryption: true);
        await transmission.WaitForLineAsync("Seeding", Bound);

        await using var engine = await ClientEngine.StartAsync(Loopback());
        var target = data.NewDirectory("ours");
        var session = await engine.AddAsync(data.Torrent,
            new TorrentOptions { SaveDirectory = target, Peers = [new IPEndPoint(IPAddress.Loopback, port)] });
        await session.WaitForCompletionAsync().WaitAsync(Bound);

        data.AssertSameFiles(target);
        Assert.True((await EngineInterop.FirstPeerAsync(engine)).Flags.HasFlag(PeerFlags.Encrypted));
    }

    [Fact]
    public async Task Transmission_that_requires_encryption_downloads_from_our_engine()
    {
        using var data = await CreateContentAsync(seed: 34);
        await using var engine = await ClientEngine.StartAsync(Loopback());
        var seed = await engine.AddAsync(data.Torrent, new TorrentOptions { SaveDirectory = data.SeedDirectory });
        await seed.WaitForCompletionAsync().WaitAsync(Bound);

        int port = Encryption.Loopback.FreePort();
        var target = data.NewDirectory("transmission");
        await using var transmission = TransmissionCli.Start(data.Root, data.TorrentFile, target, port, requireEncryption: true);
        await transmission.WaitForLineAsync("Progress", Bound);
        seed.AddPeer(new IPEndPoint(IPAddress.Loopback, port)); // Transmission never dials loopback: we dial it
        await transmission.WaitForLineAsync("Seeding", Bound);

        data.AssertSameFiles(target);
        Assert.True((await EngineInterop.FirstPeerAsync(engine)).Flags.HasFlag(PeerFlags.Encrypted));
    }
}
