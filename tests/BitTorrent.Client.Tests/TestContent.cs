using BitTorrent.Metainfo;

namespace BitTorrent.Client.Tests;

/// <summary>
/// A temporary directory with deterministic files, the torrent made from them and its .torrent file, and scratch
/// directories for leechers; deleted on dispose. Shared with the interop tests (linked into their project).
/// </summary>
internal sealed class TestContent : IDisposable
{
    private TestContent(string root, Torrent torrent, string torrentFile)
    {
        Root = root;
        Torrent = torrent;
        TorrentFile = torrentFile;
    }

    /// <summary>The temporary root; the content is <c>Root/seed/content</c>.</summary>
    public string Root { get; }

    /// <summary>The seeder's save directory.</summary>
    public string SeedDirectory => Path.Combine(Root, "seed");

    /// <summary>The torrent of the content.</summary>
    public Torrent Torrent { get; private set; }

    /// <summary>The torrent as a .torrent file (with the tracker of <see cref="AnnounceToAsync"/>, once called).</summary>
    public string TorrentFile { get; }

    /// <summary>A fresh, empty save directory for a leecher.</summary>
    public string NewDirectory(string name)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Creates files of the given sizes (deterministic bytes from <paramref name="seed"/>) and their torrent,
    /// under a temporary root whose name starts with <paramref name="prefix"/>.</summary>
    public static async Task<TestContent> CreateAsync(long[] fileSizes, int pieceLength, int seed = 1, string prefix = "bt-engine-")
    {
        var root = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..12]);
        var content = Path.Combine(root, "seed", "content");
        Directory.CreateDirectory(content);
        var random = new Random(seed);
        for (int i = 0; i < fileSizes.Length; i++)
        {
            var bytes = new byte[fileSizes[i]];
            random.NextBytes(bytes);
            await File.WriteAllBytesAsync(Path.Combine(content, $"file{i}.bin"), bytes);
        }
        var torrent = await TorrentCreator.CreateAsync(content, new TorrentCreateOptions { PieceLength = pieceLength });
        var torrentFile = Path.Combine(root, "content.torrent");
        await File.WriteAllBytesAsync(torrentFile, torrent.Encode());
        return new TestContent(root, torrent, torrentFile);
    }

    /// <summary>Gives the torrent (and its .torrent file) <paramref name="tracker"/> as its announce URL; the info hash stays.</summary>
    public async Task AnnounceToAsync(Uri tracker)
    {
        Torrent = new Torrent(Torrent.Info, [[tracker.ToString()]]);
        await File.WriteAllBytesAsync(TorrentFile, Torrent.Encode());
    }

    /// <summary>Asserts that every file of the torrent under <paramref name="directory"/> equals the seeder's; an empty
    /// file may be absent when <paramref name="emptyMayBeMissing"/> (clients such as WebTorrent never create one).</summary>
    public void AssertSameFiles(string directory, bool emptyMayBeMissing = false)
    {
        foreach (var file in Torrent.Info.Files.Where(f => !f.IsPadding))
        {
            if (emptyMayBeMissing && file.Length == 0 && !File.Exists(Path.Combine(directory, file.Path))) continue;
            var expected = Path.Combine(SeedDirectory, file.Path);
            var actual = Path.Combine(directory, file.Path);
            Assert.True(File.Exists(actual), $"{actual} is missing");
            Assert.Equal(File.ReadAllBytes(expected), File.ReadAllBytes(actual));
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
