using System.Diagnostics;
using BitTorrent.Testing;

namespace BitTorrent.Interop.Tests;

/// <summary>The shared process wrapper every interop peer runs in: lines arrive in order, a wait that times out says
/// what was seen, and disposing leaves no process of the tree behind.</summary>
public class PeerProcessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Disposing_kills_the_whole_process_tree()
    {
        // A shell that starts a child, reports both ids, and waits for ever.
        var process = PeerProcess.Start("/bin/sh", Path.GetTempPath(), ["-c", "sleep 600 & echo child $!; echo ready; wait"]);
        string child = await process.WaitForLineAsync(l => l.StartsWith("child ", StringComparison.Ordinal), Bound, "naming the child");
        await process.WaitForLineAsync(l => l == "ready", Bound, "'ready'");
        int childId = int.Parse(child["child ".Length..]);
        int shellId = process.Id;

        await process.DisposeAsync();

        Assert.False(IsRunning(shellId), "the shell outlived the wrapper");
        Assert.False(IsRunning(childId), "the shell's child outlived the wrapper");
    }

    [Fact]
    public async Task A_wait_that_times_out_names_what_the_program_printed()
    {
        await using var process = PeerProcess.Start("/bin/sh", Path.GetTempPath(), ["-c", "echo first; echo second >&2; sleep 600"]);
        Assert.Equal("first", await process.ReadLineAsync(Bound));

        var e = await Assert.ThrowsAsync<TimeoutException>(() => process.WaitForLineAsync(l => l == "never", TimeSpan.FromMilliseconds(200), "'never'"));
        Assert.Contains("first", e.Message);
        Assert.Contains("second", e.Message); // stderr is kept for messages even when not merged
    }

    [Fact]
    public async Task Output_end_reads_as_null_and_a_missing_program_is_named()
    {
        await using (var process = PeerProcess.Start("/bin/sh", Path.GetTempPath(), ["-c", "echo only"]))
        {
            Assert.Equal("only", await process.ReadLineAsync(Bound));
            Assert.Null(await process.ReadLineAsync(Bound));
        }
        var missing = Assert.Throws<InvalidOperationException>(() => PeerProcess.Start("/nonexistent/peer", "/", [], missingHint: "install it"));
        Assert.Contains("/nonexistent/peer is missing: install it", missing.Message);
    }

    private static bool IsRunning(int id)
    {
        try
        {
            using var p = Process.GetProcessById(id);
            return !p.HasExited && !File.ReadAllText($"/proc/{id}/stat").Split(' ')[2].Equals("Z", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
        {
            return false;
        }
    }
}
