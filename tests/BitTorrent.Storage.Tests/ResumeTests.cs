using System.Text;
using BitTorrent.Wire;

namespace BitTorrent.Storage.Tests;

public sealed class ResumeTests : IDisposable
{
    private readonly TempDirectory _dir = TempDirectory.Create();
    private readonly TestTorrent _torrent = TestTorrent.Create(16384, ("a.bin", 20000), ("b.bin", 30000));

    public void Dispose() => _dir.Dispose();

    private string ResumePath => Path.Combine(_dir.Path, "t.resume");

    [Fact]
    public async Task UnchangedFilesRestoreFromTheResumeFileWithoutRecheck()
    {
        await using (var storage = new TorrentStorage(_torrent.Info, _dir.Path))
        {
            await _torrent.WriteAllAsync(storage);
            var have = new BitField(4);
            have.Set(0);
            have.Set(2);
            await storage.SaveResumeDataAsync(ResumePath, have);
        }
        Assert.False(File.Exists(ResumePath + ".tmp"));

        await using var restarted = new TorrentStorage(_torrent.Info, _dir.Path);
        var result = await restarted.RestoreAsync(ResumePath);

        Assert.False(result.Rechecked);
        Assert.Equal([true, false, true, false], Enumerable.Range(0, 4).Select(result.Pieces.Get)); // the resume file, not a check (which finds 4)
    }

    [Fact]
    public async Task AChangedFileMeansAFullRecheck()
    {
        await using (var storage = new TorrentStorage(_torrent.Info, _dir.Path))
        {
            await storage.WritePieceAsync(0, _torrent.Piece(0));
            await storage.SaveResumeDataAsync(ResumePath, Have(0));
            await storage.WritePieceAsync(3, _torrent.Piece(3)); // written after the save (a kill -9 before the next one)
        }
        File.SetLastWriteTimeUtc(Path.Combine(_dir.Path, "t", "b.bin"), DateTime.UtcNow.AddMinutes(1));

        await using var restarted = new TorrentStorage(_torrent.Info, _dir.Path);
        var result = await restarted.RestoreAsync(ResumePath);

        Assert.True(result.Rechecked);
        Assert.Contains("b.bin", result.Reason);
        Assert.Equal([true, false, false, true], Enumerable.Range(0, 4).Select(result.Pieces.Get));
    }

    [Fact]
    public async Task MissingOrDamagedResumeFileMeansARecheck()
    {
        await using var storage = new TorrentStorage(_torrent.Info, _dir.Path);
        await _torrent.WriteAllAsync(storage);

        var none = await storage.RestoreAsync(ResumePath);
        Assert.True(none.Rechecked);
        Assert.Equal(4, none.Pieces.Count);

        File.WriteAllText(ResumePath, "d7:versioni1e");
        var damaged = await storage.RestoreAsync(ResumePath);
        Assert.True(damaged.Rechecked);
        Assert.Contains("resume data refused", damaged.Reason);
        Assert.Equal(4, damaged.Pieces.Count);
    }

    [Fact]
    public async Task DamagedResumeDataHasATypedError()
    {
        await using var storage = new TorrentStorage(_torrent.Info, _dir.Path);
        var good = storage.CaptureResumeData(Have(1)).Encode();
        var text = Encoding.Latin1.GetString(good);
        Assert.Equal([false, true, false, false], Enumerable.Range(0, 4).Select(ResumeData.Parse(good, _torrent.Info).Pieces.Get));

        string[] damaged =
        [
            text[..^3],
            text.Replace("11:piece counti4e", "11:piece counti5e"),
            text.Replace("7:versioni1e", "7:versioni9e"),
            "d9:info-hash20:aaaaaaaaaaaaaaaaaaaa7:versioni1ee",
            "le",
            text.Replace("6:pieces1:", "6:pieces2:\0"),
        ];
        foreach (var bad in damaged)
        {
            var e = Assert.Throws<StorageException>(() => ResumeData.Parse(Encoding.Latin1.GetBytes(bad), _torrent.Info));
            Assert.Equal(StorageError.InvalidResumeData, e.Error);
        }
        var tooLarge = Assert.Throws<StorageException>(() => ResumeData.Parse(good, _torrent.Info, maxSize: 10));
        Assert.Equal(StorageError.InvalidResumeData, tooLarge.Error);
        File.WriteAllBytes(ResumePath, good);
        Assert.Equal(StorageError.InvalidResumeData, Assert.Throws<StorageException>(() => ResumeData.Load(ResumePath, _torrent.Info, maxSize: 10)).Error);
    }

    private static BitField Have(int piece)
    {
        var have = new BitField(4);
        have.Set(piece);
        return have;
    }
}
