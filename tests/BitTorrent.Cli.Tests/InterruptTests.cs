namespace BitTorrent.Cli.Tests;

/// <summary>Ctrl-C (the invocation's cancellation): a graceful stop and exit code 130.</summary>
public sealed class InterruptTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bt-int-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private async Task<(int Exit, string Out, string Err, bool Interrupted)> RunUntilAsync(string line, params string[] args)
    {
        using var interrupt = new CancellationTokenSource();
        var output = new LineWatchingWriter(line, interrupt.Cancel);
        var error = new StringWriter();
        int exit = await Program.RunAsync(args, output, error, interrupt.Token).WaitAsync(TimeSpan.FromMinutes(1));
        return (exit, output.ToString(), error.ToString(), interrupt.IsCancellationRequested);
    }

    private string MakeData()
    {
        string data = Path.Combine(_root, "data");
        Directory.CreateDirectory(data);
        File.WriteAllBytes(Path.Combine(data, "file.bin"), new byte[100_000]);
        return data;
    }

    [Fact]
    public async Task A_download_interrupted_stops_gracefully_and_exits_130()
    {
        string torrent = Path.Combine(_root, "data.torrent");
        Assert.Equal(0, (await CliRunner.RunAsync("create", MakeData(), "-o", torrent)).Exit);
        // Ctrl-C while the download waits for peers (there are none).
        var (exit, output, error, interrupted) = await RunUntilAsync("\"event\":\"metadata\"",
            "--json", "get", torrent, "-o", Path.Combine(_root, "target"), "--no-dht", "--peer-timeout", "5m");
        Assert.True(interrupted, "the metadata event never came");
        Assert.Equal(ExitCodes.Interrupted, exit);
        Assert.StartsWith("bt: interrupted", error);
        Assert.DoesNotContain("   at ", error);
        TorrentCommandTests.JsonLines(output); // still valid NDJSON, line by line
    }

    [Fact]
    public async Task Seeding_ends_with_ctrl_c_as_its_normal_end_and_exits_0()
    {
        var (exit, output, error, interrupted) = await RunUntilAsync("\"event\":\"seeding\"", "--json", "seed", MakeData(), "--no-dht");
        Assert.True(interrupted, "the seeding event never came");
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal("", error);
        Assert.Contains(TorrentCommandTests.JsonLines(output), e => e.GetProperty("event").GetString() == "seeding");
    }

    /// <summary>A captured output that calls <c>onMatch</c> once a written line contains <c>text</c>.</summary>
    private sealed class LineWatchingWriter(string text, Action onMatch) : StringWriter
    {
        private bool _matched;

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            Check();
        }

        public override void Write(string? value)
        {
            base.Write(value);
            Check();
        }

        private void Check()
        {
            if (_matched || !ToString().Contains(text, StringComparison.Ordinal)) return;
            _matched = true;
            onMatch();
        }
    }
}
