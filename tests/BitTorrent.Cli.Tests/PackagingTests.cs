using System.Diagnostics;

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
