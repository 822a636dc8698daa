using BitTorrent.Metainfo;

namespace BitTorrent.Client.Tests;

/// <summary>A temporary directory with deterministic content and the torrent made from it; deleted on dispose.</summary>
internal sealed class TestContent : IDisposable
{
    private TestContent(string root, Torrent torrent)
    {
        Root = root;
        Torrent = torrent;
    }

    /// <summary>The temporary root; the content is <c>Root/seed/&lt;name&gt;</c>.</summary>
    public string Root { get; }

    /// <summary>The seeder's save directory.</summary>
    public string SeedDirectory => Path.Combine(Root, "seed");

    /// <summary>The torrent of the content.</summary>
    public Torrent Torrent { get; }

    /// <summary>A fresh, empty save directory for a leecher.</summary>
    public string NewDirectory(string name)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Creates files of the given sizes (deterministic bytes from <paramref name="seed"/>) and their torrent.</summary>
    public static async Task<TestContent> CreateAsync(long[] fileSizes, int pieceLength, int seed = 1)
    {
        var root = Path.Combine(Path.GetTempPath(), "bt-engine-" + Guid.NewGuid().ToString("N")[..12]);
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
        return new TestContent(root, torrent);
    }

    /// <summary>Asserts that every file of the torrent under <paramref name="directory"/> equals the seeder's.</summary>
    public void AssertSameFiles(string directory)
    {
        foreach (var file in Torrent.Info.Files.Where(f => !f.IsPadding))
        {
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
