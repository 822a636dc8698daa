namespace BitTorrent.Storage.Tests;

/// <summary>
/// Faults under a running torrent: a full disk and a read-only file system on a small tmpfs (mounted as root; root
/// ignores permission bits, so read-only is a read-only remount), and files truncated or deleted under a seed.
/// </summary>
public sealed class StorageFaultTests
{
    [Fact]
    public async Task DiskFullIsATypedErrorAndEarlierPiecesStayReadable()
    {
        var torrent = TestTorrent.Single(65536, 2 * 1024 * 1024);
        using var volume = TempDirectory.MountTmpfs("1m");
        await using var storage = new TorrentStorage(torrent.Info, volume.Path);

        StorageException? failure = null;
        int written = 0;
        for (; written < torrent.Info.PieceCount && failure is null; written++)
        {
            try
            {
                await storage.WritePieceAsync(written, torrent.Piece(written));
            }
            catch (StorageException e)
            {
                failure = e;
            }
        }

        Assert.NotNull(failure);
        Assert.Equal(StorageError.DiskFull, failure.Error);
        Assert.True(written > 1);
        Assert.True(await storage.VerifyPieceAsync(0));
    }

    [Fact]
    public async Task DiskFullWithPreallocationFailsAtTheFirstWrite()
    {
        var torrent = TestTorrent.Single(65536, 2 * 1024 * 1024);
        using var volume = TempDirectory.MountTmpfs("1m");
        await using var storage = new TorrentStorage(torrent.Info, volume.Path, new StorageOptions { Sparse = false });

        var e = await Assert.ThrowsAsync<StorageException>(() => storage.WritePieceAsync(0, torrent.Piece(0)).AsTask());

        Assert.True(e.Error == StorageError.DiskFull, e.ToString());
    }

    [Fact]
    public async Task ReadOnlyFileSystemRefusesWritesButServesExistingData()
    {
        var torrent = TestTorrent.Single(16384, 40000);
        using var volume = TempDirectory.MountTmpfs("1m");
        await using (var writer = new TorrentStorage(torrent.Info, volume.Path)) await writer.WritePieceAsync(0, torrent.Piece(0));
        volume.RemountReadOnly();
        await using var storage = new TorrentStorage(torrent.Info, volume.Path);

        var e = await Assert.ThrowsAsync<StorageException>(() => storage.WritePieceAsync(1, torrent.Piece(1)).AsTask());
        Assert.Equal(StorageError.AccessDenied, e.Error);
        Assert.True(await storage.VerifyPieceAsync(0));
        var check = await storage.CheckAsync();
        Assert.Equal([true, false, false], Enumerable.Range(0, 3).Select(check.Get));
    }

    [Fact]
    public async Task ReadOnlyEmptyDirectoryRefusesTheFirstWrite()
    {
        var torrent = TestTorrent.Create(16384, ("a.bin", 1000));
        using var volume = TempDirectory.MountTmpfs("1m");
        volume.RemountReadOnly();
        await using var storage = new TorrentStorage(torrent.Info, volume.Path);

        var e = await Assert.ThrowsAsync<StorageException>(() => storage.WritePieceAsync(0, torrent.Piece(0)).AsTask());

        Assert.Equal(StorageError.AccessDenied, e.Error);
    }

    [Fact]
    public async Task FileTruncatedUnderASeedFailsReadsAndItsPiecesAreLost()
    {
        var torrent = TestTorrent.Create(16384, ("a.bin", 20000), ("b.bin", 30000));
        using var dir = TempDirectory.Create();
        await using var storage = new TorrentStorage(torrent.Info, dir.Path);
        await torrent.WriteAllAsync(storage);
        await storage.ReadAsync(3, 0, new byte[100]);

        using (var stream = new FileStream(storage.GetFilePath(1), FileMode.Open)) stream.SetLength(10000);

        var e = await Assert.ThrowsAsync<StorageException>(() => storage.ReadAsync(3, 0, new byte[100]).AsTask());
        Assert.Equal(StorageError.FileTruncated, e.Error);
        var lost = storage.FindLostPieces();
        Assert.Equal([false, true, true, true], Enumerable.Range(0, 4).Select(lost.Get));
        Assert.False(await storage.VerifyPieceAsync(3));
        Assert.True(await storage.VerifyPieceAsync(0));
    }

    [Fact]
    public async Task FileDeletedUnderASeedIsFoundAndNoLongerServed()
    {
        var torrent = TestTorrent.Create(16384, ("a.bin", 20000), ("b.bin", 30000));
        using var dir = TempDirectory.Create();
        await using var storage = new TorrentStorage(torrent.Info, dir.Path);
        await torrent.WriteAllAsync(storage);

        File.Delete(storage.GetFilePath(0));
        var lost = storage.FindLostPieces();

        Assert.Equal([true, true, false, false], Enumerable.Range(0, 4).Select(lost.Get));
        var e = await Assert.ThrowsAsync<StorageException>(() => storage.ReadAsync(0, 0, new byte[100]).AsTask());
        Assert.Equal(StorageError.FileMissing, e.Error);
        Assert.True(await storage.VerifyPieceAsync(2));
        await storage.WritePieceAsync(0, torrent.Piece(0)); // re-downloaded: the file comes back
        Assert.True(await storage.VerifyPieceAsync(0));
    }
}
