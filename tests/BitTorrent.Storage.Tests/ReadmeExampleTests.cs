using BitTorrent.Metainfo;
using BitTorrent.Wire;

namespace BitTorrent.Storage.Tests;

/// <summary>The README's Metainfo and Storage example, verbatim between the marked lines, compiled and run.</summary>
public sealed class ReadmeExampleTests : IDisposable
{
    private readonly TempDirectory _dir = TempDirectory.Create();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ReadmeExampleRuns()
    {
        var source = Path.Combine(_dir.Path, "album");
        var downloads = Path.Combine(_dir.Path, "downloads");
        Directory.CreateDirectory(source);
        Directory.CreateDirectory(downloads);
        var random = new Random(3);
        foreach (var (name, length) in new[] { ("1.flac", 300_000), ("2.flac", 200_000), ("cover.jpg", 10_000) })
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(source, name), bytes);
        }

        // README begins
        // Create a torrent of a directory (piece length chosen for 1,000-2,000 pieces, hashed on all cores), save it, load it.
        var torrent = await TorrentCreator.CreateAsync(source, new TorrentCreateOptions
        {
            AnnounceTiers = [["udp://tracker.example:6969/announce"], ["http://backup.example/announce"]],
            WebSeeds = ["https://mirror.example/files/"],
            Comment = "my album",
        });
        var torrentPath = Path.Combine(downloads, "album.torrent");
        File.WriteAllBytes(torrentPath, torrent.Encode());
        var loaded = Torrent.Load(torrentPath);                      // MetainfoException with a MetainfoError when unsafe
        Console.WriteLine($"{loaded.Info.InfoHash}: {loaded.Info.PieceCount} pieces of {loaded.Info.PieceLength} B");
        Console.WriteLine(loaded.ToMagnetLink());

        // A seed serves the source files; a download goes to `downloads`, without the second file.
        await using var seed = new TorrentStorage(loaded.Info, Path.GetDirectoryName(Path.GetFullPath(source))!);
        var priorities = loaded.Info.Files.Select((_, i) => i == 1 ? FilePriority.Skip : FilePriority.Normal).ToArray();
        await using var storage = new TorrentStorage(loaded.Info, downloads, new StorageOptions { FilePriorities = priorities });
        var resumePath = Path.Combine(downloads, "album.resume");
        ResumeResult start = await storage.RestoreAsync(resumePath); // the resume file if no file changed, else a full re-check
        BitField have = start.Pieces;

        var piece = new byte[loaded.Info.GetPieceSize(0)];
        await seed.ReadAsync(0, 0, piece);                           // a peer serving blocks reads ranges the same way
        if (PieceHash.Verify(piece, loaded.Info.GetPieceHash(0)))
        {
            await storage.WritePieceAsync(0, piece);                 // across file boundaries; pad files are not written
            have.Set(0);
        }
        await storage.SaveResumeDataAsync(resumePath, have);         // flush, then temp file + rename
        BitField lost = storage.FindLostPieces();                    // files deleted or truncated under a seed
        // README ends

        Assert.Equal("no resume file", start.Reason);
        Assert.True(have.Get(0));
        Assert.False(File.Exists(storage.GetFilePath(1)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(source, "1.flac")).AsSpan(0, piece.Length).ToArray(),
            File.ReadAllBytes(storage.GetFilePath(0)).AsSpan(0, piece.Length).ToArray());
        Assert.True(lost.Get(loaded.Info.PieceCount - 1)); // cover.jpg was never downloaded
        var restart = await storage.RestoreAsync(resumePath);
        Assert.False(restart.Rechecked, restart.Reason);
    }
}
