namespace BitTorrent.Benchmarks.Transfer;

/// <summary>
/// One contestant's run: bytes moved, wall time, CPU time, managed bytes allocated per block over the whole run
/// (connection setup included) and, where measured, per block once warmed up.
/// </summary>
internal sealed record TransferResult(string Name, long Bytes, double Seconds, double CpuSeconds, double? AllocatedPerBlock, double? SteadyAllocatedPerBlock = null)
{
    public double MegabytesPerSecond => Bytes / Seconds / 1e6;
}

/// <summary>Measures wall time, process CPU time and allocations around a transfer in this process.</summary>
internal static class Measure
{
    public static Task<TransferResult> RunAsync(string name, long bytes, int blocks, Func<Task> transfer) =>
        RunAsync(name, bytes, blocks, 0, async () => { await transfer(); return 0L; });

    /// <summary>Like the other overload; <paramref name="transfer"/> returns the bytes it allocated after its first <paramref name="warmUpBlocks"/> blocks.</summary>
    public static async Task<TransferResult> RunAsync(string name, long bytes, int blocks, int warmUpBlocks, Func<Task<long>> transfer)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var process = System.Diagnostics.Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long steady = await transfer();
        double seconds = clock.Elapsed.TotalSeconds;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        double? steadyPerBlock = warmUpBlocks > 0 ? (double)steady / (blocks - warmUpBlocks) : null;
        return new TransferResult(name, bytes, seconds, cpu, (double)allocated / blocks, steadyPerBlock);
    }
}
