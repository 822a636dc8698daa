using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BitTorrent.Interop.Tests.Extensions;
using BitTorrent.Metainfo;
using BitTorrent.Storage;
using BitTorrent.Testing;

namespace BitTorrent.Interop.Tests.Metainfo;

/// <summary>
/// libtorrent 2.0 (python3-libtorrent) against our metainfo: for the same content and piece length both create the
/// same info hash, we parse libtorrent's torrent exactly, libtorrent parses ours (trackers, web seeds, private flag)
/// and finds every piece of the content with it, and our storage check agrees.
/// </summary>
public sealed class LibtorrentMetainfoInteropTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bt-meta-interop-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task MultiFileTorrentsAgreeWithLibtorrent()
    {
        var album = Path.Combine(_root, "album");
        Directory.CreateDirectory(Path.Combine(album, "sub"));
        var random = new Random(5);
        WriteRandom(Path.Combine(album, "a.bin"), 70_000, random);
        WriteRandom(Path.Combine(album, "B.bin"), 5_000, random);
        File.WriteAllBytes(Path.Combine(album, "empty"), []);
        WriteRandom(Path.Combine(album, "sub", "small.txt"), 100, random);
        WriteRandom(Path.Combine(album, "sub", "b.bin"), 40_000, random);
        var theirs = Path.Combine(_root, "theirs.torrent");

        var created = await RunAsync(new { cmd = "create", path = album, pieceLength = 16384, output = theirs });
        var parsed = Torrent.Load(theirs);
        var ours = await TorrentCreator.CreateAsync(album, new TorrentCreateOptions
        {
            PieceLength = 16384,
            AnnounceTiers = [["http://127.0.0.1:1/announce", "udp://127.0.0.1:2"], ["http://127.0.0.1:3/announce"]],
            WebSeeds = ["http://127.0.0.1:4/"],
        });

        Assert.Equal((string)created["infoHash"]!, parsed.Info.InfoHash.ToString());
        Assert.Equal(parsed.Info.InfoHash, ours.Info.InfoHash);
        Assert.Equal(Files(created), ours.Info.Files.Select(f => $"{f.Path}:{f.Length}:{f.IsPadding}"));

        var oursPath = Path.Combine(_root, "ours.torrent");
        File.WriteAllBytes(oursPath, ours.Encode());
        var loaded = await RunAsync(new { cmd = "load", torrent = oursPath, savePath = _root });
        Assert.Equal(ours.Info.InfoHash.ToString(), (string)loaded["infoHash"]!);
        // libtorrent shuffles the trackers within a tier (BEP 12), so compare tier by tier, ignoring the order inside one.
        Assert.Equal(["http://127.0.0.1:1/announce:0", "udp://127.0.0.1:2:0", "http://127.0.0.1:3/announce:1"],
            loaded["trackers"]!.AsArray().Select(t => $"{t![0]}:{t[1]}").OrderBy(t => t[^1]).ThenBy(t => t, StringComparer.Ordinal));
        Assert.Equal(["http://127.0.0.1:4/"], loaded["webSeeds"]!.AsArray().Select(w => (string)w!));
        Assert.Equal(ours.Info.PieceCount, (int)loaded["checkedPieces"]!);
        Assert.True((bool)loaded["seeding"]!);

        await using var storage = new TorrentStorage(ours.Info, _root);
        Assert.Equal(ours.Info.PieceCount, (await storage.CheckAsync()).Count);
    }

    [Fact]
    public async Task PrivateSingleFileTorrentAgreesWithLibtorrent()
    {
        var file = Path.Combine(_root, "single.bin");
        WriteRandom(file, 300_000, new Random(9));
        var ours = await TorrentCreator.CreateAsync(file, new TorrentCreateOptions { IsPrivate = true });
        var oursPath = Path.Combine(_root, "ours.torrent");
        File.WriteAllBytes(oursPath, ours.Encode());

        var loaded = await RunAsync(new { cmd = "load", torrent = oursPath, savePath = _root });

        Assert.Equal(ours.Info.InfoHash.ToString(), (string)loaded["infoHash"]!);
        Assert.True((bool)loaded["private"]!);
        Assert.Equal(["single.bin:300000:False"], Files(loaded));
        Assert.Equal(ours.Info.PieceCount, (int)loaded["checkedPieces"]!);
    }

    private static IEnumerable<string> Files(JsonObject result) =>
        result["files"]!.AsArray().Select(f => $"{f![0]}:{f[1]}:{(bool)f[2]!}");

    private static void WriteRandom(string path, int length, Random random)
    {
        var data = new byte[length];
        random.NextBytes(data);
        File.WriteAllBytes(path, data);
    }

    /// <summary>Runs metainfo-libtorrent.py with <paramref name="options"/> and returns its JSON answer; the process is killed on timeout.</summary>
    private static async Task<JsonObject> RunAsync(object options)
    {
        await using var process = PeerProcess.Start("/usr/bin/python3", ExtRepository.InteropPeers,
            ["metainfo-libtorrent.py", JsonSerializer.Serialize(options)], missingHint: "install python3-libtorrent (scripts/install-test-deps.sh does)");
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var answer = new StringBuilder();
        while (await process.ReadLineAsync(bound.Token) is string line) answer.Append(line);
        await process.WaitForExitAsync().WaitAsync(bound.Token);
        if (process.ExitCode != 0) throw new InvalidOperationException($"metainfo-libtorrent.py failed: {process.Output()}");
        return JsonNode.Parse(answer.ToString())!.AsObject();
    }
}
