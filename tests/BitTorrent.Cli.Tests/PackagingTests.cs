using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using BitTorrent.Client;
using BitTorrent.Metainfo;

namespace BitTorrent.Cli.Tests;

/// <summary>The tool as users get it: packed with <c>dotnet pack</c>, installed into a clean tool path, run by name.</summary>
public class PackagingTests
{
    [Fact]
    public async Task Packed_tool_installs_into_a_clean_tool_path_and_reports_its_version_and_commit()
    {
        string root = Path.Combine(Path.GetTempPath(), "bt-pack-" + Guid.NewGuid().ToString("N"));
        string feed = Path.Combine(root, "feed"), tools = Path.Combine(root, "tools");
        try
        {
            string project = Path.Combine(RepositoryRoot(), "src", "BitTorrent.Cli", "BitTorrent.Cli.csproj");
            var (packExit, packOut) = await RunAsync("dotnet", "pack", project, "-c", "Release", "-o", feed, "--nologo");
            Assert.True(packExit == 0, packOut);
            Assert.Single(Directory.GetFiles(feed, "BitTorrent.Cli.*.nupkg"));

            var (installExit, installOut) = await RunAsync("dotnet", "tool", "install", "--tool-path", tools, "--add-source", feed, "BitTorrent.Cli");
            Assert.True(installExit == 0, installOut);
            // The NDJSON schema ships beside the tool, once.
            Assert.Single(Directory.GetFiles(tools, "ndjson.schema.json", SearchOption.AllDirectories));

            var (exit, output) = await RunAsync(Path.Combine(tools, "bt"), "--version");
            Assert.Equal(0, exit);
            Assert.Matches(@"^bt \d+\.\d+\.\d+.*\+[0-9a-f]{40}\s*$", output);
            var (helpExit, help) = await RunAsync(Path.Combine(tools, "bt"), "--help");
            Assert.Equal(0, helpExit);
            Assert.Contains("dht", help);
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Native_AOT_build_downloads_from_a_seeder_and_writes_the_same_json_as_the_jit_build()
    {
        string root = Directory.CreateTempSubdirectory("bt-aot-").FullName;
        try
        {
            string published = Path.Combine(root, "bt");
            string project = Path.Combine(RepositoryRoot(), "src", "BitTorrent.Cli", "BitTorrent.Cli.csproj");
            string rid = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
            var (publishExit, publishOut) = await RunAsync("dotnet", "publish", project, "-c", "Release", "-r", rid,
                "-p:PublishAot=true", "-o", published, "--nologo");
            Assert.True(publishExit == 0, publishOut);
            string bt = Path.Combine(published, "bt");
            Assert.False(File.Exists(Path.Combine(published, "bt.dll")), "a Native AOT publish leaves no IL to run");

            // Two files, one smaller than a piece; the torrent made by the AOT build, described by both builds.
            string content = Path.Combine(root, "seed", "clip");
            Directory.CreateDirectory(content);
            var bytes = new byte[300_000];
            new Random(5).NextBytes(bytes);
            await File.WriteAllBytesAsync(Path.Combine(content, "video.bin"), bytes);
            await File.WriteAllTextAsync(Path.Combine(content, "notes.txt"), "seeded for the AOT build");
            string torrentPath = Path.Combine(root, "clip.torrent");
            var (createExit, created) = await RunAsync(bt, "create", content, "-o", torrentPath, "--piece-length", "32768", "--json");
            Assert.True(createExit == 0, created);
            var (infoExit, aotInfo) = await RunAsync(bt, "info", torrentPath, "--json");
            var (jitExit, jitInfo, _) = await CliRunner.RunAsync("info", torrentPath, "--json");
            Assert.Equal(0, infoExit);
            Assert.Equal(0, jitExit);
            Assert.Equal(WithoutTimes(jitInfo), WithoutTimes(aotInfo));

            var torrent = Torrent.Parse(await File.ReadAllBytesAsync(torrentPath));
            await using var seeder = await ClientEngine.StartAsync(new EngineOptions { ListenAddresses = [IPAddress.Loopback], EnableDht = false });
            var seed = await seeder.AddAsync(torrent, new TorrentOptions { SaveDirectory = Path.Combine(root, "seed") });
            await seed.WaitForCompletionAsync().WaitAsync(TimeSpan.FromSeconds(60));

            string target = Path.Combine(root, "got");
            var (getExit, got) = await RunAsync(bt, "get", torrentPath, "-o", target, "--peer", $"127.0.0.1:{seeder.ListenPort}",
                "--no-dht", "--json");
            Assert.True(getExit == 0, got);
            var events = TorrentCommandTests.JsonLines(got); // each line validated against ndjson.schema.json
            Assert.Equal(torrent.Info.PieceCount, events.Count(e => e.GetProperty("event").GetString() == "piece_verified"));
            Assert.Contains(events, e => e.GetProperty("event").GetString() == "complete");
            foreach (var file in torrent.Info.Files)
                Assert.Equal(File.ReadAllBytes(Path.Combine(root, "seed", file.Path)), File.ReadAllBytes(Path.Combine(target, file.Path)));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string WithoutTimes(string ndjson) => Regex.Replace(ndjson, "\"time\":\"[^\"]*\"", "");

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BitTorrent.slnx"))) return dir.FullName;
        throw new InvalidOperationException("BitTorrent.slnx not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
            return (process.ExitCode, await stdout + await stderr);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
