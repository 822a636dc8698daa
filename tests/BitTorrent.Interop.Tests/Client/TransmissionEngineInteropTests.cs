using System.Net;
using BitTorrent.Client;
using BitTorrent.Client.Tests;
using BitTorrent.Interop.Tests.Encryption;
using TestContent = BitTorrent.Client.Tests.TestContent;

namespace BitTorrent.Interop.Tests.Client;

/// <summary>
/// Our engine and Transmission 3.00 (transmission-cli) over 127.0.0.1, a multi-file torrent each way, files compared
/// byte for byte. Transmission never dials loopback peers, so our engine dials it in both directions; it unchokes on a
/// 10 s timer, so each transfer takes 10–20 s. Encryption is "preferred" (Transmission's default), so our plaintext
/// connection is accepted.
/// </summary>
public sealed class TransmissionEngineInteropTests
{
    private static readonly TimeSpan Bound = EngineInterop.Bound;

    /// <summary>No empty file: Transmission 3.00 does not create one (the libtorrent tests cover it).</summary>
    private static Task<TestContent> CreateContentAsync() =>
        TestContent.CreateAsync([2 * 1024 * 1024, 50_000, 1024 * 1024 + 77], 64 * 1024, seed: 21, prefix: "bt-tr-engine-");

    private static CliPeerProcess StartTransmission(TestContent data, string downloadDirectory, int port) =>
        TransmissionCli.Start(data.Root, data.TorrentFile, downloadDirectory, port, requireEncryption: false);

    [Fact]
    public async Task Our_engine_downloads_from_a_Transmission_seeder()
    {
        using var data = await CreateContentAsync();
        int port = Encryption.Loopback.FreePort();
        await using var transmission = StartTransmission(data, data.SeedDirectory, port);
        await transmission.WaitForLineAsync("Seeding", Bound);
        await EngineInterop.DownloadFromAsync(data, port);
    }

    [Fact]
    public async Task Transmission_downloads_from_our_engine()
    {
        using var data = await CreateContentAsync();
        var (engine, seed) = await EngineInterop.SeedAsync(data);
        await using var _ = engine;

        int port = Encryption.Loopback.FreePort();
        var target = data.NewDirectory("transmission");
        await using var transmission = StartTransmission(data, target, port);
        await transmission.WaitForLineAsync("Progress", Bound);
        seed.AddPeer(new IPEndPoint(IPAddress.Loopback, port));
        await transmission.WaitForLineAsync("Seeding", Bound);
        data.AssertSameFiles(target);
        Assert.True(seed.Uploaded > 0);
    }
}
