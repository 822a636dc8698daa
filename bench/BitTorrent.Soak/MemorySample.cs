using System.Diagnostics;
using System.Globalization;

namespace BitTorrent.Soak;

/// <summary>One point of the memory curve.</summary>
/// <param name="Seconds">Time since the workload started.</param>
/// <param name="WarmUp">Whether the sample is inside the warm-up (reported, not checked).</param>
/// <param name="HeapBytes">Managed heap after a blocking, compacting gen2 collection (<see cref="GC.GetTotalMemory"/>).</param>
/// <param name="RssBytes">Resident set size of the process (<c>VmRSS</c>, or <see cref="Process.WorkingSet64"/>).</param>
/// <param name="VerifiedBytes">Bytes verified so far.</param>
/// <param name="MegabytesPerSecond">Bytes verified since the previous sample, per second, in MB (10⁶ bytes).</param>
public sealed record MemorySample(double Seconds, bool WarmUp, long HeapBytes, long RssBytes, long VerifiedBytes, double MegabytesPerSecond)
{
    /// <summary>The header of <see cref="ToCsv"/>.</summary>
    public const string CsvHeader = "seconds,warmup,heap_bytes,rss_bytes,verified_bytes,mb_per_s";

    /// <summary>The sample as one CSV line.</summary>
    public string ToCsv() => string.Create(CultureInfo.InvariantCulture,
        $"{Seconds:F1},{(WarmUp ? 1 : 0)},{HeapBytes},{RssBytes},{VerifiedBytes},{MegabytesPerSecond:F1}");

    /// <summary>
    /// Collects garbage (gen2, blocking, compacting, finalizers run, then once more) and measures the heap and RSS, so
    /// consecutive samples compare live memory rather than where the collector happened to be.
    /// </summary>
    public static (long Heap, long Rss) Measure()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return (GC.GetTotalMemory(forceFullCollection: false), ResidentSetSize());
    }

    /// <summary><c>VmRSS</c> from <c>/proc/self/status</c> where there is one; <see cref="Process.WorkingSet64"/> elsewhere.</summary>
    public static long ResidentSetSize()
    {
        const string Path = "/proc/self/status";
        if (File.Exists(Path))
        {
            foreach (var line in File.ReadLines(Path))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
                var kilobytes = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
