using System.Net;
using BitTorrent.Client;
using BitTorrent.Client.Tests;

namespace BitTorrent.Interop.Tests.Client;

/// <summary>What the engine interop tests share: our engine on 127.0.0.1 without a DHT, downloading from another
/// client's address or seeding to it, every wait bounded.</summary>
internal static class EngineInterop
{
    /// <summary>The bound on each wait of a 34 MiB transfer over loopback.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    public static EngineOptions Loopback() => new() { ListenAddresses = [IPAddress.Loopback], EnableDht = false };

    /// <summary>Our engine downloads the torrent of <paramref name="data"/> from 127.0.0.1:<paramref name="port"/> alone,
    /// into a new directory; the files must equal the seeder's and every byte must have come in.</summary>
    public static async Task DownloadFromAsync(TestContent data, int port)
    {
        await using var engine = await ClientEngine.StartAsync(Loopback());
        var target = data.NewDirectory("ours");
        var session = await engine.AddAsync(data.Torrent, new TorrentOptions { SaveDirectory = target, Peers = [new IPEndPoint(IPAddress.Loopback, port)] });
        await session.WaitForCompletionAsync().WaitAsync(Bound);
        data.AssertSameFiles(target);
        Assert.True(session.Downloaded >= data.Torrent.Info.TotalLength, $"downloaded {session.Downloaded}");
    }

    /// <summary>Starts our engine seeding the torrent of <paramref name="data"/> (checked); the caller disposes the engine.</summary>
    public static async Task<(ClientEngine Engine, TorrentSession Seed)> SeedAsync(TestContent data)
    {
        var engine = await ClientEngine.StartAsync(Loopback());
        try
        {
            var seed = await engine.AddAsync(data.Torrent, new TorrentOptions { SaveDirectory = data.SeedDirectory });
            await seed.WaitForCompletionAsync().WaitAsync(Bound);
            return (engine, seed);
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }
    }

    /// <summary>The peer of the engine's first <see cref="PeerConnectedAlert"/> (alerts are queued, so it may be long past).</summary>
    public static async Task<PeerInfo> FirstPeerAsync(ClientEngine engine)
    {
        using var timeout = new CancellationTokenSource(Bound);
        await foreach (var alert in engine.ReadAlertsAsync(timeout.Token))
            if (alert is PeerConnectedAlert connected) return connected.Peer;
        throw new InvalidOperationException("the engine's alerts ended without a connected peer");
    }
}
