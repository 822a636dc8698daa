namespace BitTorrent.Storage.Tests;

public sealed class TorrentStorageTests : IDisposable
{
    private readonly TempDirectory _dir = TempDirectory.Create();

    public void Dispose() => _dir.Dispose();

    private static TestTorrent MultiFile() => TestTorrent.Create(16384,
        ("a.bin", 20000), ("empty.txt", 0), ("sub/small.txt", 100), ("sub/b.bin", 30000), ("c.bin", 16384));

    [Fact]
    public async Task PiecesSpanningFilesAreWrittenToEachFileAndReadBack()
    {
        var torrent = MultiFile();
        await using var storage = new TorrentStorage(torrent.Info, _dir.Path);

        await torrent.WriteAllAsync(storage);

        for (int file = 0; file < torrent.Info.Files.Count; file++)
            Assert.Equal(torrent.FileContent(file), File.ReadAllBytes(storage.GetFilePath(file)));
        Assert.Equal(0, new FileInfo(Path.Combine(_dir.Path, "t", "empty.txt")).Length);
        var block = new byte[300]; // piece 1 from 3600: the end of a.bin, small.txt and the start of b.bin
        await storage.ReadAsync(1, 3500, block);
        Assert.Equal(torrent.Content.AsSpan(16384 + 3500, 300).ToArray(), block);
        for (int piece = 0; piece < torrent.Info.PieceCount; piece++) Assert.True(await storage.VerifyPieceAsync(piece));
        Assert.Equal(torrent.Info.PieceCount, (await storage.CheckAsync()).Count);
    }

    [Fact]
    public async Task WrongSizesAndRangesAreRefused()
    {
        var torrent = MultiFile();
        await using var storage = new TorrentStorage(torrent.Info, _dir.Path);

        await Assert.ThrowsAsync<ArgumentException>(() => storage.WritePieceAsync(0, new byte[100]).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => storage.ReadAsync(0, 16000, new byte[1000]).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => storage.ReadAsync(99, 0, new byte[1]).AsTask());
    }

    [Fact]
    public async Task PadFilesAreNotWrittenAndReadAsZeros()
    {
        var torrent = TestTorrent.Create(16384, ("a.bin", 1000), ("pad:.pad/15384", 15384), ("b.bin", 5000));
        await using var storage = new TorrentStorage(torrent.Info, _dir.Path);

        await torrent.WriteAllAsync(storage);

        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "t", ".pad")));
        Assert.Equal(torrent.FileContent(2), File.ReadAllBytes(storage.GetFilePath(2)));
        var block = new byte[2000];
        await storage.ReadAsync(0, 500, block);
        Assert.Equal(torrent.Content.AsSpan(500, 2000).ToArray(), block);
        Assert.Equal(2, (await storage.CheckAsync()).Count);
    }

    [Fact]
    public async Task SkippedFilesAreNotCreatedAndSharedPiecesStillWork()
    {
        var torrent = MultiFile();
        FilePriority[] priorities = [FilePriority.Normal, FilePriority.Normal, FilePriority.Skip, FilePriority.Skip, FilePriority.Normal];
        await using var storage = new TorrentStorage(torrent.Info, _dir.Path, new StorageOptions { FilePriorities = priorities });

        // Piece 1 spans a.bin (wanted), small.txt and b.bin (skipped); piece 3 spans b.bin and c.bin (wanted).
        await storage.WritePieceAsync(0, torrent.Piece(0));
        await storage.WritePieceAsync(1, torrent.Piece(1));
        await storage.WritePieceAsync(3, torrent.Piece(3));
        await storage.WritePieceAsync(4, torrent.Piece(4));

        Assert.False(File.Exists(storage.GetFilePath(2)));
        Assert.False(File.Exists(storage.GetFilePath(3)));
        Assert.True(File.Exists(storage.PartFilePath));
        Assert.Equal(torrent.FileContent(0), File.ReadAllBytes(storage.GetFilePath(0)));
        Assert.True(await storage.VerifyPieceAsync(1));
        Assert.True(await storage.VerifyPieceAsync(3));
        var check = await storage.CheckAsync();
        Assert.Equal([true, true, false, true, true], Enumerable.Range(0, 5).Select(check.Get));

        await storage.SetFilePriorityAsync(3, FilePriority.Normal);
        await storage.WritePieceAsync(2, torrent.Piece(2));
        Assert.True(File.Exists(storage.GetFilePath(3)));
        Assert.Equal(torrent.FileContent(3), File.ReadAllBytes(storage.GetFilePath(3)));
        Assert.False(File.Exists(storage.GetFilePath(2)));
        Assert.Equal(5, (await storage.CheckAsync()).Count);
    }

    [Fact]
    public async Task CheckFindsCorruptAndMissingPiecesAndReportsProgress()
    {
        var torrent = MultiFile();
        await using (var writer = new TorrentStorage(torrent.Info, _dir.Path)) await torrent.WriteAllAsync(writer);
        using (var stream = File.OpenWrite(Path.Combine(_dir.Path, "t", "a.bin"))) stream.WriteByte(0xFF);
        File.Delete(Path.Combine(_dir.Path, "t", "c.bin"));
        var reports = new List<CheckProgress>();
        await using var storage = new TorrentStorage(torrent.Info, _dir.Path, new StorageOptions { CheckParallelism = 3 });

        var pieces = await storage.CheckAsync(new LockedProgress(reports));

        Assert.Equal([false, true, true, false, false], Enumerable.Range(0, 5).Select(pieces.Get));
        Assert.Equal(5, reports.Count);
        // Pieces 3 and 4 need the deleted c.bin: they are not read.
        Assert.Equal(new CheckProgress(5, 5, 2, 3 * 16384), reports.MaxBy(r => r.PiecesChecked));
    }

    [Fact]
    public async Task CheckOfANewDownloadReadsNothing()
    {
        var torrent = MultiFile();
        var reports = new List<CheckProgress>();
        await using var storage = new TorrentStorage(torrent.Info, _dir.Path);

        var pieces = await storage.CheckAsync(new LockedProgress(reports));

        Assert.Equal(0, pieces.Count);
        Assert.Equal(new CheckProgress(5, 5, 0, 0), reports.MaxBy(r => r.PiecesChecked));
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    [Fact]
    public async Task CheckIsCancellable()
    {
        var torrent = MultiFile();
        await using var storage = new TorrentStorage(torrent.Info, _dir.Path);
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => storage.CheckAsync(null, cts.Token).AsTask());
    }

    [Fact]
    public async Task SymbolicLinkOutOfTheTargetDirectoryIsRefused()
    {
        var torrent = MultiFile();
        var outside = Directory.CreateTempSubdirectory("bt-outside-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(_dir.Path, "t"));
            Directory.CreateSymbolicLink(Path.Combine(_dir.Path, "t", "sub"), outside);
            await using var storage = new TorrentStorage(torrent.Info, _dir.Path);

            await storage.WritePieceAsync(0, torrent.Piece(0));
            var e = await Assert.ThrowsAsync<StorageException>(() => storage.WritePieceAsync(1, torrent.Piece(1)).AsTask());

            Assert.Equal(StorageError.OutsideDirectory, e.Error);
            Assert.Empty(Directory.GetFileSystemEntries(outside));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public void PieceHashVerifiesSha1()
    {
        var data = "hello"u8.ToArray();
        var sha1 = Convert.FromHexString("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
        Assert.True(PieceHash.Verify(data, sha1));
        Assert.False(PieceHash.Verify("hellp"u8, sha1));
        Assert.False(PieceHash.Verify(data, sha1.AsSpan(0, 19)));
    }

    private sealed class LockedProgress(List<CheckProgress> reports) : IProgress<CheckProgress>
    {
        public void Report(CheckProgress value)
        {
            lock (reports) reports.Add(value);
        }
    }
}
