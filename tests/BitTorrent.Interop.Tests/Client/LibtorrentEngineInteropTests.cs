using System.Net;
using BitTorrent.Client;
using BitTorrent.Interop.Tests.Extensions;
using BitTorrent.Metainfo;

namespace BitTorrent.Interop.Tests.Client;

/// <summary>
/// Our engine against libtorrent 2.0.8 (python3-libtorrent) over loopback TCP: a 34 MiB multi-file torrent with an empty
/// file and a file smaller than a piece, downloaded from a libtorrent seeder and by a libtorrent leecher; files byte-identical.
/// </summary>
public sealed class LibtorrentEngineInteropTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    private static EngineOptions Loopback() => new() { ListenAddresses = [IPAddress.Loopback], EnableDht = false };

    [Fact]
    public async Task Our_engine_downloads_from_a_libtorrent_seeder()
    {
        using var data = await Content.CreateAsync();
        await using var seeder = ExtPeerProcess.StartLibtorrent(new { torrent = data.TorrentFile, savePath = data.SeedDirectory }, "engine-libtorrent.py");
        int port = (int)(await seeder.WaitForAsync("ready", timeout: Bound))["port"]!;
        await seeder.WaitForAsync("finished", timeout: Bound);

        await using var engine = await ClientEngine.StartAsync(Loopback());
        var target = data.NewDirectory("ours");
        var session = await engine.AddAsync(data.Torrent, new TorrentOptions { SaveDirectory = target, Peers = [new IPEndPoint(IPAddress.Loopback, port)] });
        await session.WaitForCompletionAsync().WaitAsync(Bound);

        data.AssertSameFiles(target);
        Assert.True(session.Downloaded >= data.Torrent.Info.TotalLength, $"downloaded {session.Downloaded}");
    }

    [Fact]
    public async Task A_libtorrent_leecher_downloads_from_our_engine()
    {
        using var data = await Content.CreateAsync();
        await using var engine = await ClientEngine.StartAsync(Loopback());
        var seed = await engine.AddAsync(data.Torrent, new TorrentOptions { SaveDirectory = data.SeedDirectory });
        await seed.WaitForCompletionAsync().WaitAsync(Bound);

        var target = data.NewDirectory("libtorrent");
        await using var leecher = ExtPeerProcess.StartLibtorrent(
            new { torrent = data.TorrentFile, savePath = target, connect = engine.ListenPort }, "engine-libtorrent.py");
        await leecher.WaitForAsync("finished", timeout: Bound);

        data.AssertSameFiles(target);
        Assert.True(seed.Uploaded >= data.Torrent.Info.TotalLength, $"uploaded {seed.Uploaded}");
    }

    /// <summary>34 MiB in four files (one empty, one smaller than a piece), its .torrent, and scratch directories.</summary>
    private sealed class Content : IDisposable
    {
        private Content(string root, Torrent torrent, string torrentFile)
        {
            Root = root;
            Torrent = torrent;
            TorrentFile = torrentFile;
        }

        public string Root { get; }

        public Torrent Torrent { get; }

        public string TorrentFile { get; }

        public string SeedDirectory => Path.Combine(Root, "seed");

        public static async Task<Content> CreateAsync()
        {
            var root = Path.Combine(Path.GetTempPath(), "bt-lt-engine-" + Guid.NewGuid().ToString("N")[..12]);
            var folder = Path.Combine(root, "seed", "multi");
            Directory.CreateDirectory(folder);
            var random = new Random(7);
            long[] sizes = [20 * 1024 * 1024, 0, 100_000, 14 * 1024 * 1024 + 12_345];
            for (int i = 0; i < sizes.Length; i++)
            {
                var bytes = new byte[sizes[i]];
                random.NextBytes(bytes);
                await File.WriteAllBytesAsync(Path.Combine(folder, $"part{i}.bin"), bytes);
            }
            var torrent = await TorrentCreator.CreateAsync(folder, new TorrentCreateOptions { PieceLength = 256 * 1024 });
            var torrentFile = Path.Combine(root, "multi.torrent");
            await File.WriteAllBytesAsync(torrentFile, torrent.Encode());
            return new Content(root, torrent, torrentFile);
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
}
