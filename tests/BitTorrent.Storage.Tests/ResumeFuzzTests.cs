namespace BitTorrent.Storage.Tests;

/// <summary>Mutated resume files either parse or fail with <see cref="StorageError.InvalidResumeData"/>.</summary>
public sealed class ResumeFuzzTests : IDisposable
{
    private readonly TempDirectory _dir = TempDirectory.Create();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task MutatedResumeDataParsesOrFailsWithATypedError()
    {
        var torrent = TestTorrent.Create(16384, ("a.bin", 20000), ("b.bin", 30000));
        await using var storage = new TorrentStorage(torrent.Info, _dir.Path);
        await torrent.WriteAllAsync(storage);
        var valid = storage.CaptureResumeData(await storage.CheckAsync()).Encode();
        var random = new Random(99);
        int parsed = 0;
        for (int round = 0; round < 10_000; round++)
        {
            var data = (byte[])valid.Clone();
            data[random.Next(data.Length)] = random.Next(2) == 0 ? (byte)random.Next(256) : (byte)"0123456789:eild-"[random.Next(16)];
            if (random.Next(4) == 0) data = data[..random.Next(data.Length)];
            try
            {
                var resume = ResumeData.Parse(data, torrent.Info);
                Assert.Equal(torrent.Info.PieceCount, resume.Pieces.Length);
                parsed++;
            }
            catch (StorageException e)
            {
                Assert.Equal(StorageError.InvalidResumeData, e.Error);
            }
        }
        Assert.InRange(parsed, 1, 9_999);
    }
}
