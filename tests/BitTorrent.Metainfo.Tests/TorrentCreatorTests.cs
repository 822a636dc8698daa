using System.Security.Cryptography;

namespace BitTorrent.Metainfo.Tests;

public sealed class TorrentCreatorTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bt-create-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(1L, 16 * 1024)]
    [InlineData(31L * 1024 * 1024, 16 * 1024)]
    [InlineData(33L * 1024 * 1024, 32 * 1024)]
    [InlineData(1L << 30, 1 << 20)]
    [InlineData(1L << 40, 16 * 1024 * 1024)]
    public void PieceLengthIsAPowerOfTwoGivingAtMost2000Pieces(long total, int expected)
    {
        Assert.Equal(expected, TorrentCreator.ChoosePieceLength(total));
    }

    [Fact]
    public async Task DirectoryTorrentHashesTheConcatenatedFilesInPathOrder()
    {
        var dir = Path.Combine(_root, "album");
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        var b = InfoBuilder.Content(40_000, seed: 2);
        var a = InfoBuilder.Content(70_000, seed: 3);
        var small = InfoBuilder.Content(100, seed: 4);
        File.WriteAllBytes(Path.Combine(dir, "sub", "b.bin"), b);
        File.WriteAllBytes(Path.Combine(dir, "a.bin"), a);
        File.WriteAllBytes(Path.Combine(dir, "empty"), []);
        File.WriteAllBytes(Path.Combine(dir, "sub", "small.txt"), small);
        var reports = new List<TorrentCreateProgress>();

        var torrent = await TorrentCreator.CreateAsync(dir, new TorrentCreateOptions
        {
            PieceLength = 16384,
            AnnounceTiers = [["http://127.0.0.1/announce"]],
            WebSeeds = ["http://127.0.0.1/seed/"],
            Comment = "c",
        }, new SynchronousProgress<TorrentCreateProgress>(reports.Add));

        Assert.Equal(["album/a.bin", "album/empty", "album/sub/b.bin", "album/sub/small.txt"], torrent.Info.Files.Select(f => f.Path));
        byte[] all = [.. a, .. b, .. small];
        Assert.Equal(InfoBuilder.Hashes(all, 16384), Enumerable.Range(0, torrent.Info.PieceCount).SelectMany(i => torrent.Info.GetPieceHash(i).ToArray()));
        Assert.Equal(torrent.Info.PieceCount, reports.Count);
        Assert.Equal(all.Length, reports.Max(r => r.BytesHashed));
        var reparsed = Torrent.Parse(torrent.Encode());
        Assert.Equal(torrent.Info.InfoHash, reparsed.Info.InfoHash);
        Assert.Equal(["http://127.0.0.1/seed/"], reparsed.UrlList);
        Assert.Equal("c", reparsed.Comment);
    }

    [Fact]
    public async Task SingleFileTorrentAndPrivateFlagChangesTheInfoHash()
    {
        var path = Path.Combine(_root, "one.bin");
        var content = InfoBuilder.Content(50_000);
        File.WriteAllBytes(path, content);

        var open = await TorrentCreator.CreateAsync(path, new TorrentCreateOptions { MaxDegreeOfParallelism = 1 });
        var closed = await TorrentCreator.CreateAsync(path, new TorrentCreateOptions { IsPrivate = true });

        Assert.False(open.Info.IsMultiFile);
        Assert.Equal(16384, open.Info.PieceLength);
        Assert.Equal(SHA1.HashData(content.AsSpan(0, 16384)), open.Info.GetPieceHash(0).ToArray());
        Assert.True(closed.Info.IsPrivate);
        Assert.NotEqual(open.Info.InfoHash, closed.Info.InfoHash);
    }

    [Fact]
    public async Task CancellationStopsHashing()
    {
        var path = Path.Combine(_root, "big.bin");
        File.WriteAllBytes(path, InfoBuilder.Content(1 << 20));
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TorrentCreator.CreateAsync(path, cancellationToken: cts.Token));
    }

    [Fact]
    public async Task EmptyContentAndUnsafeNamesAreRefused()
    {
        var dir = Path.Combine(_root, "empty");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "zero"), []);
        var e = await Assert.ThrowsAsync<MetainfoException>(() => TorrentCreator.CreateAsync(dir));
        Assert.Equal(MetainfoError.EmptyTorrent, e.Error);

        File.WriteAllBytes(Path.Combine(dir, "aux.txt"), [1]);
        e = await Assert.ThrowsAsync<MetainfoException>(() => TorrentCreator.CreateAsync(dir));
        Assert.Equal(MetainfoError.ReservedName, e.Error);
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        private readonly Lock _lock = new();

        public void Report(T value)
        {
            lock (_lock) report(value);
        }
    }
}
