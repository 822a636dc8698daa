using System.Net;
using System.Text.Json;
using BitTorrent.Client;
using BitTorrent.Metainfo;
using BitTorrent.Storage;
using BitTorrent.Testing;

namespace BitTorrent.Cli.Tests;

/// <summary>
/// <c>bt get</c> as its own process, killed with SIGKILL mid-download (no graceful stop, no last resume write) and run
/// again on the same directory: it completes with identical files and downloads none of the pieces it had verified
/// (and recorded in its resume file) before the kill, also when the resume file was torn or overwritten with garbage.
/// </summary>
public sealed class KillRestartTests : IAsyncLifetime
{
    private const int PieceLength = 64 * 1024;
    private const long SeedRate = 1024 * 1024; // bytes per second: the 6 MiB download takes about five seconds
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly string _root = Directory.CreateTempSubdirectory("bt-kill-").FullName;
    private ClientEngine? _seeder;
    private Torrent? _torrent;
    private string _torrentPath = "";

    /// <summary>What happens to the resume file between the kill and the restart.</summary>
    public enum ResumeFile { AsLeft, Torn, Garbage }

    public async Task InitializeAsync()
    {
        string content = Path.Combine(_root, "seed", "set");
        Directory.CreateDirectory(content);
        var random = new Random(10);
        foreach (var (name, length) in new[] { ("a.bin", 5 * 1024 * 1024 - 1000), ("b.bin", 1024 * 1024 + 1000) })
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            await File.WriteAllBytesAsync(Path.Combine(content, name), bytes);
        }
        _torrent = await TorrentCreator.CreateAsync(content, new TorrentCreateOptions { PieceLength = PieceLength });
        _torrentPath = Path.Combine(_root, "set.torrent");
        await File.WriteAllBytesAsync(_torrentPath, _torrent.Encode());
        _seeder = await ClientEngine.StartAsync(new EngineOptions { ListenAddresses = [IPAddress.Loopback], EnableDht = false, UploadRateLimit = SeedRate });
        var seed = await _seeder.AddAsync(_torrent, new TorrentOptions { SaveDirectory = Path.Combine(_root, "seed") });
        await seed.WaitForCompletionAsync().WaitAsync(Bound);
    }

    public async Task DisposeAsync()
    {
        if (_seeder is not null) await _seeder.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Theory]
    [InlineData(ResumeFile.AsLeft)]
    [InlineData(ResumeFile.Torn)]
    [InlineData(ResumeFile.Garbage)]
    public async Task Killed_mid_download_the_restart_completes_without_downloading_what_was_verified_before(ResumeFile resumeFile)
    {
        var info = _torrent!.Info;
        string target = Path.Combine(_root, "target");
        string resumePath = Path.Combine(target, ".bt", info.InfoHash + ".resume");

        // Run until a quarter of the pieces are verified and a resume file written since records a quarter, then SIGKILL.
        var verifiedBeforeKill = new HashSet<int>();
        var first = StartGet(target);
        bool exitedByItself;
        try
        {
            while (true)
            {
                var line = await first.ReadLineAsync(Bound)
                    ?? throw new InvalidOperationException($"bt get ended before the kill: {first.Output()}");
                if (Event(line) is ("piece_verified", var e)) verifiedBeforeKill.Add(e.GetProperty("piece").GetInt32());
                if (verifiedBeforeKill.Count >= info.PieceCount / 4 && File.Exists(resumePath)
                    && ResumeData.Load(resumePath, info).Pieces.Count >= info.PieceCount / 4)
                    break;
            }
            exitedByItself = first.HasExited;
        }
        finally
        {
            await first.DisposeAsync(); // Process.Kill: SIGKILL, by process id
        }
        Assert.False(exitedByItself, "bt get finished before it could be killed");
        verifiedBeforeKill.UnionWith(first.TakeAvailableLines().Select(Event).Where(e => e.Kind == "piece_verified")
            .Select(e => e.Data.GetProperty("piece").GetInt32()));
        Assert.True(verifiedBeforeKill.Count < info.PieceCount, "the download was complete at the kill");

        // Every resume write replaces the file whole (temporary file, then rename), so the file the kill left parses.
        var recorded = ResumeData.Load(resumePath, info).Pieces;
        Assert.True(recorded.Count >= info.PieceCount / 4);
        if (resumeFile == ResumeFile.Torn)
        {
            var bytes = await File.ReadAllBytesAsync(resumePath);
            await File.WriteAllBytesAsync(resumePath, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        }
        else if (resumeFile == ResumeFile.Garbage)
        {
            var garbage = new byte[4096];
            new Random(7).NextBytes(garbage);
            await File.WriteAllBytesAsync(resumePath, garbage);
        }

        // The same command again: the restart finds what was verified (by the resume file or the re-check) and fetches the rest.
        var downloadedAfter = new List<int>();
        string? complete = null;
        var second = StartGet(target);
        try
        {
            while (await second.ReadLineAsync(Bound) is { } line)
            {
                var (kind, data) = Event(line);
                if (kind == "piece_verified") downloadedAfter.Add(data.GetProperty("piece").GetInt32());
                if (kind == "complete") complete = line;
            }
            await second.WaitForExitAsync().WaitAsync(Bound);
            Assert.True(second.ExitCode == ExitCodes.Success, $"exit {second.ExitCode}: {second.Output()}");
        }
        finally
        {
            await second.DisposeAsync();
        }
        Assert.NotNull(complete);
        for (int piece = 0; piece < info.PieceCount; piece++)
        {
            if (!recorded[piece]) continue;
            Assert.DoesNotContain(piece, downloadedAfter); // in the resume file at the kill: never fetched again
        }
        Assert.Empty(downloadedAfter.Intersect(verifiedBeforeKill)); // verified before the kill: on disk, found by the check
        foreach (var file in info.Files)
            Assert.Equal(File.ReadAllBytes(Path.Combine(_root, "seed", file.Path)), File.ReadAllBytes(Path.Combine(target, file.Path)));
    }

    private PeerProcess StartGet(string target) =>
        PeerProcess.Start(Path.Combine(AppContext.BaseDirectory, "bt"), _root,
            ["--json", "get", _torrentPath, "-o", target, "--peer", $"127.0.0.1:{_seeder!.ListenPort}", "--no-dht",
             "--peer-timeout", "30s", "--resume-interval", "1s"]);

    private static (string Kind, JsonElement Data) Event(string line)
    {
        var data = JsonDocument.Parse(line).RootElement;
        return (data.GetProperty("event").GetString()!, data);
    }
}
