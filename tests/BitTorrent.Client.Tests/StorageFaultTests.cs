using System.Collections.Concurrent;
using BitTorrent.Extensions;
using BitTorrent.Storage;
using BitTorrent.Storage.Tests;
using BitTorrent.Wire;

namespace BitTorrent.Client.Tests;

/// <summary>
/// Faults under a running torrent. A file truncated or deleted under a seed: its pieces are announced lost
/// (lt_donthave), no longer served, and the torrent fails with the reason; the other file's pieces were served until
/// then. A full disk under a download: the torrent fails with the storage error, the engine and its other torrents go on.
/// </summary>
public sealed class StorageFaultTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_file_lost_under_a_seed_is_announced_with_lt_donthave_no_longer_served_and_fails_the_torrent(bool deleted)
    {
        const int pieceLength = 16 * 1024;
        using var content = await TestContent.CreateAsync([200_000, 100_000], pieceLength);
        var info = content.Torrent.Info;
        await using var seeder = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        await using var alerts = new AlertWatcher(seeder);
        // A truncated file is found by the read that fails (the periodic look is an hour away); a deleted one still
        // reads through the open handle on Linux, so only the periodic look (every second here) finds it.
        var seed = await seeder.AddAsync(content.Torrent, new TorrentOptions
        {
            SaveDirectory = content.SeedDirectory,
            MissingFileCheckInterval = deleted ? TimeSpan.FromSeconds(1) : TimeSpan.FromHours(1),
        });
        await seed.WaitForCompletionAsync().WaitAsync(Bound);

        // A raw peer with lt_donthave that downloads one block, then asks for a block of the file we truncate.
        await using var wire = await BitTorrent.Wire.Wire.ConnectAsync(LoopbackSwarmTests.EndPointOf(seeder), new WireOptions { PieceCount = info.PieceCount });
        var dontHave = wire.Use(w => new LtDontHave(w));
        var announcedLost = new ConcurrentDictionary<int, bool>();
        var allLost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (firstLost, lostCount) = info.GetPieceRange(1);
        dontHave.DontHaveReceived += (_, e) =>
        {
            announcedLost[e.Index] = true;
            if (announcedLost.Count == lostCount) allLost.TrySetResult();
        };
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        wire.PeerUnchoked += (_, _) => ready.TrySetResult();
        wire.HandshakeReceived += (_, _) => wire.Interested();
        wire.Handshake(info.InfoHash, PeerId.CreateRandom(), WireExtensions.Fast);
        await ready.Task.WaitAsync(Bound);

        var served = await wire.RequestAsync(0, 0, pieceLength).AsTask().WaitAsync(Bound);
        Assert.Equal(File.ReadAllBytes(Path.Combine(content.SeedDirectory, info.Files[0].Path)).AsSpan(0, pieceLength).ToArray(), served);

        var lostFile = Path.Combine(content.SeedDirectory, info.Files[1].Path);
        if (deleted)
        {
            File.Delete(lostFile);
        }
        else
        {
            // As another program would (`truncate -s 1000`), sharing the file with the seeder's open handle.
            await using (var file = new FileStream(lostFile, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
                file.SetLength(1000);
            int inside = firstLost + lostCount - 1;
            var refused = await Assert.ThrowsAsync<WireRequestException>(() => wire.RequestAsync(inside, 0, info.GetPieceSize(inside)).AsTask().WaitAsync(Bound));
            // The reject for this request, the donthave for its piece and the close of the failed torrent race; any of them
            // ends it (a clean-clone run once saw the close first). Served it is not; the donthaves are checked below.
            Assert.Contains(refused.Failure, new[] { WireRequestFailure.Rejected, WireRequestFailure.DontHave, WireRequestFailure.Closed });
        }

        await allLost.Task.WaitAsync(Bound);
        Assert.Equal(Enumerable.Range(firstLost, lostCount), announcedLost.Keys.Order());
        var error = (TorrentErrorAlert)await alerts.WaitForAsync(a => a is TorrentErrorAlert).WaitAsync(Bound);
        Assert.Contains($"{lostCount} verified pieces lost", error.Message);
        Assert.Equal(TorrentState.Error, seed.State);
    }

    [Fact]
    public async Task A_full_disk_fails_the_download_with_the_storage_error_and_the_seed_goes_on()
    {
        using var content = await TestContent.CreateAsync([3 * 1024 * 1024], 64 * 1024);
        await using var seeder = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        var seed = await seeder.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.SeedDirectory });
        await seed.WaitForCompletionAsync().WaitAsync(Bound);
        using var volume = TempDirectory.MountTmpfs("1m");

        await using var leecher = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        var session = await leecher.AddAsync(content.Torrent, new TorrentOptions
        {
            SaveDirectory = volume.Path,
            Peers = [LoopbackSwarmTests.EndPointOf(seeder)],
        });

        var failure = await Assert.ThrowsAsync<TorrentException>(() => session.WaitForCompletionAsync().WaitAsync(Bound));
        Assert.Equal(TorrentState.Error, session.State);
        Assert.Equal(StorageError.DiskFull, Assert.IsType<StorageException>(failure.InnerException).Error);
        Assert.StartsWith("writing piece ", failure.Message);
        Assert.Equal(TorrentState.Seeding, seed.State);
    }
}
