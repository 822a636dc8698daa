using BitTorrent.Encryption;
using BitTorrent.Wire;

namespace BitTorrent.Client.Tests;

/// <summary>The engine's encryption policy (MSE) between two of our engines over loopback TCP, with real files.</summary>
public sealed class EngineEncryptionTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static EngineOptions Options(EncryptionPolicy policy, CryptoMethods allowed = CryptoMethods.Plaintext | CryptoMethods.Rc4) =>
        LoopbackSwarmTests.LoopbackOptions() with { Encryption = new MseOptions { Policy = policy, AllowedMethods = allowed } };

    [Theory]
    [InlineData(EncryptionPolicy.Required, EncryptionPolicy.Required, true)]
    [InlineData(EncryptionPolicy.Enabled, EncryptionPolicy.Required, true)]   // plaintext first, refused, then MSE
    [InlineData(EncryptionPolicy.Required, EncryptionPolicy.Enabled, true)]
    [InlineData(EncryptionPolicy.Preferred, EncryptionPolicy.Disabled, false)] // MSE first, refused, then plaintext
    [InlineData(EncryptionPolicy.Enabled, EncryptionPolicy.Enabled, false)]    // plaintext first, accepted
    public async Task A_leecher_downloads_under_compatible_policies_byte_for_byte(EncryptionPolicy leecherPolicy, EncryptionPolicy seederPolicy,
        bool encrypted)
    {
        using var content = await TestContent.CreateAsync([700_000, 3_000], pieceLength: 64 * 1024);
        await using var seeder = await ClientEngine.StartAsync(Options(seederPolicy));
        await using var seederAlerts = new AlertWatcher(seeder);
        await using var leecher = await ClientEngine.StartAsync(Options(leecherPolicy));
        await using var leecherAlerts = new AlertWatcher(leecher);
        await SeedAndDownloadAsync(content, seeder, leecher);
        var dialled = (PeerConnectedAlert)await leecherAlerts.WaitForAsync(a => a is PeerConnectedAlert).WaitAsync(Bound);
        var accepted = (PeerConnectedAlert)await seederAlerts.WaitForAsync(a => a is PeerConnectedAlert).WaitAsync(Bound);
        Assert.Equal(encrypted, dialled.Peer.Flags.HasFlag(PeerFlags.Encrypted));
        Assert.Equal(encrypted, accepted.Peer.Flags.HasFlag(PeerFlags.Encrypted));
    }

    [Fact]
    public async Task Header_only_MSE_downloads_with_a_plaintext_payload()
    {
        using var content = await TestContent.CreateAsync([300_000], pieceLength: 32 * 1024);
        await using var seeder = await ClientEngine.StartAsync(Options(EncryptionPolicy.Required, CryptoMethods.Plaintext));
        await using var leecher = await ClientEngine.StartAsync(Options(EncryptionPolicy.Required));
        await using var alerts = new AlertWatcher(leecher);
        await SeedAndDownloadAsync(content, seeder, leecher);
        var connected = (PeerConnectedAlert)await alerts.WaitForAsync(a => a is PeerConnectedAlert).WaitAsync(Bound);
        Assert.False(connected.Peer.Flags.HasFlag(PeerFlags.Encrypted));
    }

    [Theory]
    [InlineData(EncryptionPolicy.Required, EncryptionPolicy.Disabled)]
    [InlineData(EncryptionPolicy.Disabled, EncryptionPolicy.Required)]
    public async Task Required_and_Disabled_never_connect(EncryptionPolicy dialling, EncryptionPolicy listening)
    {
        await using var listener = await ClientEngine.StartAsync(Options(listening));
        await using var dialler = await ClientEngine.StartAsync(Options(dialling));
        using var content = await TestContent.CreateAsync([1_000], pieceLength: 16 * 1024);
        await listener.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.SeedDirectory });

        var handshake = MseConnector.BitTorrentHandshake(content.Torrent.Info.InfoHash, dialler.PeerId);
        var failure = await Assert.ThrowsAsync<MseException>(() => dialler.Transport.ConnectAsync(LoopbackSwarmTests.EndPointOf(listener),
            content.Torrent.Info.InfoHash, handshake, new WireOptions(), CancellationToken.None).AsTask().WaitAsync(Bound));
        Assert.NotEqual(MseFailure.Timeout, failure.Failure);
    }

    [Fact]
    public async Task The_listen_port_accepts_plaintext_and_MSE_leechers_at_once()
    {
        using var content = await TestContent.CreateAsync([500_000], pieceLength: 32 * 1024);
        await using var seeder = await ClientEngine.StartAsync(Options(EncryptionPolicy.Enabled));
        await using var seederAlerts = new AlertWatcher(seeder);
        var seed = await seeder.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.SeedDirectory });
        await seed.WaitForCompletionAsync().WaitAsync(Bound);

        var downloads = new List<(ClientEngine Engine, TorrentSession Session, string Target)>();
        try
        {
            foreach (var policy in new[] { EncryptionPolicy.Disabled, EncryptionPolicy.Required })
            {
                var engine = await ClientEngine.StartAsync(Options(policy));
                var target = content.NewDirectory(policy.ToString());
                var session = await engine.AddAsync(content.Torrent,
                    new TorrentOptions { SaveDirectory = target, Peers = [LoopbackSwarmTests.EndPointOf(seeder)] });
                downloads.Add((engine, session, target));
            }
            await Task.WhenAll(downloads.Select(d => d.Session.WaitForCompletionAsync())).WaitAsync(Bound);
            foreach (var (_, _, target) in downloads) content.AssertSameFiles(target);

            var first = (PeerConnectedAlert)await seederAlerts.WaitForAsync(a => a is PeerConnectedAlert).WaitAsync(Bound);
            var second = (PeerConnectedAlert)await seederAlerts.WaitForAsync(a => a is PeerConnectedAlert p && p.Peer.PeerId != first.Peer.PeerId)
                .WaitAsync(Bound);
            var byPeer = new[] { first.Peer, second.Peer }.ToDictionary(p => p.PeerId, p => p.Flags.HasFlag(PeerFlags.Encrypted));
            Assert.False(byPeer[downloads[0].Engine.PeerId]);
            Assert.True(byPeer[downloads[1].Engine.PeerId]);
        }
        finally
        {
            foreach (var (engine, _, _) in downloads) await engine.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_removed_torrent_is_no_longer_found_by_an_MSE_peer()
    {
        using var content = await TestContent.CreateAsync([1_000], pieceLength: 16 * 1024);
        await using var listener = await ClientEngine.StartAsync(Options(EncryptionPolicy.Required));
        await using var dialler = await ClientEngine.StartAsync(Options(EncryptionPolicy.Required));
        var infoHash = content.Torrent.Info.InfoHash;
        var handshake = MseConnector.BitTorrentHandshake(infoHash, dialler.PeerId);
        var session = await listener.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.SeedDirectory });
        var wire = await dialler.Transport.ConnectAsync(LoopbackSwarmTests.EndPointOf(listener), infoHash, handshake, new WireOptions(),
            CancellationToken.None).AsTask().WaitAsync(Bound);
        Assert.True(wire.Connection.IsEncrypted);
        await wire.DisposeAsync();

        await listener.RemoveAsync(session);
        var failure = await Assert.ThrowsAsync<MseException>(() => dialler.Transport.ConnectAsync(LoopbackSwarmTests.EndPointOf(listener),
            infoHash, handshake, new WireOptions(), CancellationToken.None).AsTask().WaitAsync(Bound));
        Assert.NotEqual(MseFailure.Timeout, failure.Failure);
    }

    [Fact]
    public async Task An_MSE_policy_without_any_method_is_refused_at_start()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => ClientEngine.StartAsync(Options(EncryptionPolicy.Enabled, CryptoMethods.None)));
        await using var plaintextOnly = await ClientEngine.StartAsync(Options(EncryptionPolicy.Disabled, CryptoMethods.None));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_MSE_peer_must_name_the_same_torrent_in_its_BitTorrent_handshake(bool otherTorrent)
    {
        using var first = await TestContent.CreateAsync([1_000], pieceLength: 16 * 1024, seed: 1);
        using var second = await TestContent.CreateAsync([2_000], pieceLength: 16 * 1024, seed: 2);
        await using var listener = await ClientEngine.StartAsync(Options(EncryptionPolicy.Required));
        // Both seeding before the dial: a torrent still checking its files refuses peers.
        var firstSeed = await listener.AddAsync(first.Torrent, new TorrentOptions { SaveDirectory = first.SeedDirectory });
        var secondSeed = await listener.AddAsync(second.Torrent, new TorrentOptions { SaveDirectory = second.SeedDirectory });
        await Task.WhenAll(firstSeed.WaitForCompletionAsync(), secondSeed.WaitForCompletionAsync()).WaitAsync(Bound);
        await using var dialler = await ClientEngine.StartAsync(Options(EncryptionPolicy.Required));

        // MSE keyed with the first torrent (no initial payload), then a BitTorrent handshake for one of the two.
        await using var wire = await dialler.Transport.ConnectAsync(LoopbackSwarmTests.EndPointOf(listener), first.Torrent.Info.InfoHash,
            default, new WireOptions(), CancellationToken.None).AsTask().WaitAsync(Bound);
        var outcome = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        wire.HandshakeReceived += (_, _) => outcome.TrySetResult(true);
        wire.Closed += (_, _) => outcome.TrySetResult(false);
        wire.Handshake((otherTorrent ? second : first).Torrent.Info.InfoHash, dialler.PeerId);
        wire.Start();
        Assert.Equal(!otherTorrent, await outcome.Task.WaitAsync(Bound));
    }

    /// <summary>The seeder seeds the content, the leecher downloads it from the seeder's address alone; files compared.</summary>
    private static async Task SeedAndDownloadAsync(TestContent content, ClientEngine seeder, ClientEngine leecher)
    {
        var seed = await seeder.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.SeedDirectory });
        await seed.WaitForCompletionAsync().WaitAsync(Bound);
        var target = content.NewDirectory("leecher");
        var download = await leecher.AddAsync(content.Torrent,
            new TorrentOptions { SaveDirectory = target, Peers = [LoopbackSwarmTests.EndPointOf(seeder)] });
        await download.WaitForCompletionAsync().WaitAsync(Bound);
        content.AssertSameFiles(target);
    }
}
