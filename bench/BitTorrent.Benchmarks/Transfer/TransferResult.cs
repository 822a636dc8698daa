namespace BitTorrent.Benchmarks.Transfer;

/// <summary>One contestant's run: bytes moved, wall time, CPU time and managed bytes allocated per block.</summary>
internal sealed record TransferResult(string Name, long Bytes, double Seconds, double CpuSeconds, double? AllocatedPerBlock)
{
    public double MegabytesPerSecond => Bytes / Seconds / 1e6;
}

/// <summary>Measures wall time, process CPU time and allocations around a transfer in this process.</summary>
internal static class Measure
{
    public static async Task<TransferResult> RunAsync(string name, long bytes, int blocks, Func<Task> transfer)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var process = System.Diagnostics.Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await transfer();
        double seconds = clock.Elapsed.TotalSeconds;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        return new TransferResult(name, bytes, seconds, cpu, (double)allocated / blocks);
    }
}
