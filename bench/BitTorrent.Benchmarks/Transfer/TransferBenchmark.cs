using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace BitTorrent.Benchmarks.Transfer;

/// <summary>
/// <c>transfer [--size-mib N] [--depth N]</c>: moves N MiB as 16 KiB blocks over one loopback TCP connection with
/// pipelined requests, for the minimal pump (the ceiling), the npm bittorrent-protocol under Node, and our Wire.
/// </summary>
internal static class TransferBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        int sizeMiB = 1024, depth = 64;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            int value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            if (args[i] == "--size-mib") sizeMiB = value;
            else if (args[i] == "--depth") depth = value;
            else throw new ArgumentException($"unknown option {args[i]}");
        }
        int blocks = sizeMiB * 64;
        long bytes = (long)blocks * 16384;
        Console.WriteLine($"loopback transfer: {sizeMiB} MiB as {blocks} blocks of 16 KiB, {depth} requests in flight, {Environment.ProcessorCount} cores");

        // Warm-up (JIT, socket buffers) on a small transfer for each C# contestant.
        await MinimalPump.RunAsync(4096, depth);
        await WireTransfer.RunAsync(4096, depth, intoCallerBuffers: false);
        await WireTransfer.RunAsync(4096, depth, intoCallerBuffers: true);

        var results = new List<TransferResult>
        {
            await Measure.RunAsync("minimal C# pump (ceiling)", bytes, blocks, () => MinimalPump.RunAsync(blocks, depth)),
            await RunNodeAsync(sizeMiB, depth, bytes),
            await Measure.RunAsync("BitTorrent.Wire, a new byte[] per block", bytes, blocks, () => WireTransfer.RunAsync(blocks, depth, intoCallerBuffers: false)),
            await Measure.RunAsync("BitTorrent.Wire, into the caller's buffers", bytes, blocks, () => WireTransfer.RunAsync(blocks, depth, intoCallerBuffers: true)),
        };
        Console.WriteLine();
        Console.WriteLine("| contestant | MB/s | seconds | CPU seconds | allocated per block |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var r in results)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.MegabytesPerSecond:F0} | {r.Seconds:F2} | {r.CpuSeconds:F2} | {(r.AllocatedPerBlock is double a ? $"{a:F0} B" : "n/a (V8 heap)")} |"));
        var pump = results[0];
        var js = results[1];
        Console.WriteLine();
        foreach (var wire in results.Skip(2))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{wire.Name}: {wire.MegabytesPerSecond / pump.MegabytesPerSecond:P0} of the minimal pump, {wire.MegabytesPerSecond / js.MegabytesPerSecond:F1}x bittorrent-protocol"));
        return 0;
    }

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
