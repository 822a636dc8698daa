using BitTorrent.Metainfo;

namespace BitTorrent.Interop.Tests.Client;

/// <summary>Deterministic files in <c>Root/seed/multi</c>, their torrent (written as a .torrent file), and scratch
/// directories; deleted on dispose.</summary>
internal sealed class EngineContent : IDisposable
{
    private EngineContent(string root, Torrent torrent, string torrentFile)
    {
        Root = root;
        Torrent = torrent;
        TorrentFile = torrentFile;
    }

    public string Root { get; }

    public Torrent Torrent { get; private set; }

    /// <summary>The .torrent file (with the tracker of <see cref="AnnounceTo"/>, once called).</summary>
    public string TorrentFile { get; }

    public string SeedDirectory => Path.Combine(Root, "seed");

    /// <summary>Creates files of <paramref name="sizes"/> (bytes from <paramref name="seed"/>) and their v1 torrent.</summary>
    public static async Task<EngineContent> CreateAsync(string prefix, long[] sizes, int pieceLength, int seed)
    {
        var root = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..12]);
        var folder = Path.Combine(root, "seed", "multi");
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        for (int i = 0; i < sizes.Length; i++)
        {
            var bytes = new byte[sizes[i]];
            random.NextBytes(bytes);
            await File.WriteAllBytesAsync(Path.Combine(folder, $"part{i}.bin"), bytes);
        }
        var torrent = await TorrentCreator.CreateAsync(folder, new TorrentCreateOptions { PieceLength = pieceLength });
        var torrentFile = Path.Combine(root, "multi.torrent");
        await File.WriteAllBytesAsync(torrentFile, torrent.Encode());
        return new EngineContent(root, torrent, torrentFile);
    }

    /// <summary>Gives the torrent (and its .torrent file) <paramref name="tracker"/> as its announce URL; the info hash stays.</summary>
    public async Task AnnounceTo(Uri tracker)
    {
        Torrent = new Torrent(Torrent.Info, [[tracker.ToString()]]);
        await File.WriteAllBytesAsync(TorrentFile, Torrent.Encode());
    }

    public string NewDirectory(string name)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public void AssertSameFiles(string directory)
    {
        foreach (var file in Torrent.Info.Files.Where(f => !f.IsPadding))
        {
            var actual = Path.Combine(directory, file.Path);
            Assert.True(File.Exists(actual), $"{actual} is missing");
            Assert.Equal(File.ReadAllBytes(Path.Combine(SeedDirectory, file.Path)), File.ReadAllBytes(actual));
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
