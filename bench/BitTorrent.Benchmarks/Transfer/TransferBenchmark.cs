using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace BitTorrent.Benchmarks.Transfer;

/// <summary>
/// <c>transfer [--size-mib N] [--depth N] [--rounds N] [--warm-up-seconds N]</c>: moves N MiB as 16 KiB blocks over one loopback TCP connection with
/// pipelined requests, for the minimal pump (the ceiling), the npm bittorrent-protocol under Node, and our Wire one way
/// and in both directions at once (each side downloads half; the aggregate rate is reported).
/// </summary>
internal static class TransferBenchmark
{
    /// <summary>The index of the npm bittorrent-protocol run among the contestants.</summary>
    private const int NodeContestant = 1;

    public static async Task<int> RunAsync(string[] args)
    {
        int sizeMiB = 1024, depth = 64, rounds = 5, warmUpSeconds = 3;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            int value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            if (args[i] == "--size-mib") sizeMiB = value;
            else if (args[i] == "--depth") depth = value;
            else if (args[i] == "--rounds") rounds = value;
            else if (args[i] == "--warm-up-seconds") warmUpSeconds = value;
            else throw new ArgumentException($"unknown option {args[i]}");
        }
        int blocks = sizeMiB * 64;
        int warmUp = blocks / 8; // steady-state allocations are counted after the first eighth of the blocks
        long bytes = (long)blocks * 16384;
        Console.WriteLine($"loopback transfer: {sizeMiB} MiB as {blocks} blocks of 16 KiB, {depth} requests in flight, {rounds} rounds after {warmUpSeconds} s of warm-up per contestant, {Environment.ProcessorCount} cores");

        var contestants = new Func<Task<TransferResult>>[]
        {
            () => Measure.RunAsync("minimal C# pump (ceiling)", bytes, blocks, () => MinimalPump.RunAsync(blocks, depth)),
            () => RunNodeAsync(sizeMiB, depth, bytes), // NodeContestant
            () => Measure.RunAsync("BitTorrent.Wire, a new byte[] per block", bytes, blocks, warmUp,
                () => WireTransfer.RunAsync(blocks, depth, intoCallerBuffers: false, warmUp)),
            () => Measure.RunAsync("BitTorrent.Wire, into the caller's buffers", bytes, blocks, warmUp,
                () => WireTransfer.RunAsync(blocks, depth, intoCallerBuffers: true, warmUp)),
            () => Measure.RunAsync("BitTorrent.Wire, both directions at once (aggregate), into the caller's buffers", bytes, blocks,
                () => WireTransfer.RunBidirectionalAsync(blocks, depth)),
            () => Measure.RunAsync("BitTorrent.Wire over MSE (RC4), into the caller's buffers", bytes, blocks, warmUp,
                () => WireTransfer.RunAsync(blocks, depth, intoCallerBuffers: true, warmUp, encrypted: true)),
        };
        // Warm-up: every C# contestant runs its transfer for --warm-up-seconds (at least once), unmeasured, before any round.
        // The JIT first runs each method as quick unoptimized code and replaces the hot ones with optimized code only after
        // they have been called for a while (tiered compilation); on this machine the wire's loops reach optimized code
        // after about two seconds of transfer, and a short warm-up measured mostly the unoptimized code.
        for (int c = 0; c < contestants.Length; c++)
        {
            if (c == NodeContestant) continue; // its own process each time: nothing carries over
            var clock = Stopwatch.StartNew();
            do await contestants[c](); while (clock.Elapsed.TotalSeconds < warmUpSeconds);
        }

        // The contestants take turns within each round, so background load on a shared machine hits them alike.
        var runs = contestants.Select(_ => new List<TransferResult>()).ToArray();
        for (int round = 0; round < rounds; round++)
            for (int c = 0; c < contestants.Length; c++)
                runs[c].Add(await contestants[c]());

        Console.WriteLine();
        Console.WriteLine("| contestant | MB/s, median (min–max) | seconds | CPU seconds | allocated per block, whole run | allocated per block, steady state |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var medians = runs.Select(Median).ToArray();
        for (int c = 0; c < runs.Length; c++)
        {
            var r = medians[c];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.MegabytesPerSecond:F0} ({runs[c].Min(x => x.MegabytesPerSecond):F0}–{runs[c].Max(x => x.MegabytesPerSecond):F0}) | {r.Seconds:F2} | {r.CpuSeconds:F2} | {(r.AllocatedPerBlock is double a ? $"{a:F0} B" : "n/a (V8 heap)")} | {(r.SteadyAllocatedPerBlock is double s ? $"{s:F1} B" : "")} |"));
        }
        Console.WriteLine();
        for (int c = 2; c < runs.Length; c++)
        {
            // Ratios per round (same load), then their median.
            var ofPump = runs[c].Select((r, i) => r.MegabytesPerSecond / runs[0][i].MegabytesPerSecond).Order().ToArray();
            var ofJs = runs[c].Select((r, i) => r.MegabytesPerSecond / runs[NodeContestant][i].MegabytesPerSecond).Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{medians[c].Name}: {ofPump[ofPump.Length / 2]:P0} of the minimal pump ({ofPump[0]:P0}–{ofPump[^1]:P0}), {ofJs[ofJs.Length / 2]:F1}x bittorrent-protocol ({ofJs[0]:F1}–{ofJs[^1]:F1}) per round"));
        }
        // MSE's target: the encrypted wire against the plaintext wire into the caller's buffers, per round.
        var ofPlain = runs[^1].Select((r, i) => r.MegabytesPerSecond / runs[3][i].MegabytesPerSecond).Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{medians[^1].Name}: {ofPlain[ofPlain.Length / 2]:P0} of the plaintext wire ({ofPlain[0]:P0}–{ofPlain[^1]:P0}) per round"));
        return 0;
    }

    private static TransferResult Median(List<TransferResult> runs) => runs.OrderBy(r => r.MegabytesPerSecond).ElementAt(runs.Count / 2);

    private static async Task<TransferResult> RunNodeAsync(int sizeMiB, int depth, long bytes)
    {
        string script = Path.Combine(FindRoot(), "bench", "js", "transfer.mjs");
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(sizeMiB.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(depth.ToString(CultureInfo.InvariantCulture));
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start node");
        try
        {
            string output = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(10));
            await process.WaitForExitAsync();
            if (process.ExitCode != 0) throw new InvalidOperationException($"node failed: {await process.StandardError.ReadToEndAsync()}");
            using var json = JsonDocument.Parse(output);
            var root = json.RootElement;
            return new TransferResult("npm bittorrent-protocol 5.0.9 (Node 20)", root.GetProperty("bytes").GetInt64(),
                root.GetProperty("seconds").GetDouble(), root.GetProperty("cpuSeconds").GetDouble(), null);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BitTorrent.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("BitTorrent.slnx not found above " + AppContext.BaseDirectory);
    }
}
