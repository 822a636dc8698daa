using System.Diagnostics;

namespace BitTorrent.Fuzz.Tests;

/// <summary>
/// Replays every checked-in corpus and regression input through its fuzz target in-process: a target that throws
/// anything but its documented exceptions, or breaks its oracle, fails the test with the file that did it.
/// </summary>
public sealed class ReplayTests
{
    private static readonly string FuzzRoot = Path.Combine(FindRepositoryRoot(), "fuzz");
    private static readonly TimeSpan ReplayBound = TimeSpan.FromMinutes(3);

    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Keys];

    // Each target replays in a process of its own (the documented `replay` command): the targets that run on the thread
    // pool bound the allocation of the whole process, which in the test host also counts the host's own work beside
    // them (reporting results to the runner), and so failed now and then with no fault of the target's.
    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Every_corpus_and_regression_input_passes_its_target(string target)
    {
        string[] paths = [Path.Combine(FuzzRoot, "corpus", target), Path.Combine(FuzzRoot, "regressions", target)];
        Assert.NotEmpty(Replay.Files(paths));
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])[typeof(FuzzTargets).Assembly.Location, "replay", target, .. paths]) start.ArgumentList.Add(argument);
        using var replay = Process.Start(start)!;
        var output = replay.StandardOutput.ReadToEndAsync();
        var errors = replay.StandardError.ReadToEndAsync();
        try
        {
            await replay.WaitForExitAsync().WaitAsync(ReplayBound);
        }
        finally
        {
            if (!replay.HasExited) replay.Kill(entireProcessTree: true);
        }
        Assert.True(replay.ExitCode == 0, await output + await errors);
        Assert.Contains(" inputs, 0 findings", await output);
    }

    [Fact]
    public void The_checked_in_seed_corpus_is_what_the_generator_writes()
    {
        foreach (var (target, seeds) in SeedCorpus.All())
            foreach (var (name, bytes) in seeds)
            {
                var path = Path.Combine(FuzzRoot, "corpus", target, name);
                Assert.True(File.Exists(path), $"{path} is missing: run `dotnet run --project fuzz/BitTorrent.Fuzz -c Release -- seeds fuzz/corpus`");
                Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(path)), $"{path} differs from the generator");
            }
    }

    [Theory]
    [InlineData("libtorrent", new[] { "handshake", "wire", "framing", "framing_split", "extended_handshake", "ut_metadata", "krpc", "dht_node" })]
    [InlineData("npm", new[] { "handshake", "wire", "framing", "framing_split", "extended_handshake", "ut_metadata", "ut_pex", "krpc", "dht_node" })]
    public void Seeds_captured_from_real_peers_are_in_the_corpus(string peer, string[] targets)
    {
        // Written by fuzz/capture-corpus.py; the generator never writes these names.
        foreach (var target in targets)
            Assert.True(Directory.EnumerateFiles(Path.Combine(FuzzRoot, "corpus", target), $"captured_{peer}*.bin").Any(),
                $"fuzz/corpus/{target} has no seed captured from {peer}: run fuzz/capture-corpus.py");
    }

    [Fact]
    public void Every_target_has_a_seed_corpus() =>
        Assert.Equal(FuzzTargets.All.Keys.Order(), SeedCorpus.All().Keys.Order());

    [Fact]
    public void Replay_reports_a_target_that_throws_an_unexpected_exception()
    {
        var file = Path.Combine(FuzzRoot, "corpus", "bencode_strict", "integer.bin");
        var log = new StringWriter();
        Assert.Equal(1, Replay.Run(_ => throw new NullReferenceException("boom"), [file], log));
        Assert.Contains("NullReferenceException", log.ToString());
    }

    [Fact]
    public void An_oracle_violation_is_a_finding()
    {
        var budget = AllocationBudget.ForThread(inputLength: 0, fixedBytes: 0, perInputByte: 0);
        GC.KeepAlive(new byte[1024]);
        Assert.Throws<FuzzFindingException>(() => budget.Check("test"));
        Assert.Throws<FuzzFindingException>(() => Oracle.SameBytes([1, 2], [1, 3], "test"));
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "BitTorrent.slnx"))) return directory.FullName;
        throw new InvalidOperationException("BitTorrent.slnx not found above " + AppContext.BaseDirectory);
    }
}
