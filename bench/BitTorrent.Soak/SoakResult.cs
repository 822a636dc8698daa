using System.Globalization;

namespace BitTorrent.Soak;

/// <summary>One check of a soak run.</summary>
/// <param name="Name">What is checked.</param>
/// <param name="Passed">Whether it held.</param>
/// <param name="Detail">The figures behind it.</param>
public sealed record SoakCheck(string Name, bool Passed, string Detail);

/// <summary>The outcome of a soak: the memory curve, what was verified, and the checks.</summary>
public sealed class SoakResult
{
    private const double MiB = 1 << 20;

    internal SoakResult(SoakOptions options, string workload, TimeSpan elapsed, IReadOnlyList<MemorySample> samples,
        SoakCounters counters, long unobservedExceptions, IReadOnlyList<SoakCheck> workloadChecks)
    {
        Options = options;
        Workload = workload;
        Elapsed = elapsed;
        Samples = samples;
        VerifiedBytes = counters.VerifiedBytes;
        VerifiedUnits = counters.VerifiedUnits;
        Mismatches = counters.Mismatches;
        Failures = counters.Failures;
        Messages = counters.Messages;
        UnobservedTaskExceptions = unobservedExceptions;

        var steady = samples.Where(s => !s.WarmUp).ToArray();
        int quarter = Math.Max(1, steady.Length / 4);
        FirstQuarterHeap = Mean(steady.Take(quarter), s => s.HeapBytes);
        LastQuarterHeap = Mean(steady.TakeLast(quarter), s => s.HeapBytes);
        FirstQuarterRss = Mean(steady.Take(quarter), s => s.RssBytes);
        LastQuarterRss = Mean(steady.TakeLast(quarter), s => s.RssBytes);
        HeapSlope = Slope(steady, s => s.HeapBytes);
        RssSlope = Slope(steady, s => s.RssBytes);
        SteadyMegabytesPerSecond = steady.Length < 2 ? 0
            : (steady[^1].VerifiedBytes - steady[0].VerifiedBytes) / 1e6 / (steady[^1].Seconds - steady[0].Seconds);

        double heapBound = FirstQuarterHeap * (1 + options.GrowthFraction) + options.HeapSlack;
        double rssBound = FirstQuarterRss * (1 + options.GrowthFraction) + options.RssSlack;
        Checks =
        [
            new("samples after warm-up", steady.Length >= 4, $"{steady.Length} (at least 4 to compare quarters)"),
            new("bytes verified", VerifiedBytes > 0, $"{VerifiedBytes:N0} B in {VerifiedUnits:N0} units"),
            new("no mismatch", Mismatches == 0, $"{Mismatches}"),
            new("no failure", Failures == 0, $"{Failures}"),
            new("no unobserved task exception", UnobservedTaskExceptions == 0, $"{UnobservedTaskExceptions}"),
            new("bytes moved in every interval after warm-up", steady.All(s => s.MegabytesPerSecond > 0),
                $"slowest {(steady.Length == 0 ? 0 : steady.Min(s => s.MegabytesPerSecond)):F1} MB/s"),
            .. workloadChecks,
            new("heap flat", steady.Length > 0 && LastQuarterHeap <= heapBound,
                $"last quarter {LastQuarterHeap / MiB:F1} MiB, bound {heapBound / MiB:F1} MiB (first quarter {FirstQuarterHeap / MiB:F1} MiB)"),
            new("RSS flat", steady.Length > 0 && LastQuarterRss <= rssBound,
                $"last quarter {LastQuarterRss / MiB:F1} MiB, bound {rssBound / MiB:F1} MiB (first quarter {FirstQuarterRss / MiB:F1} MiB)"),
        ];
    }

    /// <summary>The options the soak ran with.</summary>
    public SoakOptions Options { get; }

    /// <summary>The workload, described.</summary>
    public string Workload { get; }

    /// <summary>How long the workload ran.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The memory curve, warm-up included.</summary>
    public IReadOnlyList<MemorySample> Samples { get; }

    /// <summary>Bytes received and verified against the expected bytes.</summary>
    public long VerifiedBytes { get; }

    /// <summary>Blocks (wires) or downloads (swarm) verified.</summary>
    public long VerifiedUnits { get; }

    /// <summary>Blocks or downloads that differed from the expected bytes.</summary>
    public long Mismatches { get; }

    /// <summary>Failed requests, unexpected closes, downloads that did not finish.</summary>
    public long Failures { get; }

    /// <summary>The first mismatches and failures, described.</summary>
    public IReadOnlyList<string> Messages { get; }

    /// <summary>Exceptions raised through <see cref="TaskScheduler.UnobservedTaskException"/> during the run.</summary>
    public long UnobservedTaskExceptions { get; }

    /// <summary>Mean heap of the first quarter of the samples after warm-up.</summary>
    public double FirstQuarterHeap { get; }

    /// <summary>Mean heap of the last quarter of the samples after warm-up.</summary>
    public double LastQuarterHeap { get; }

    /// <summary>Mean RSS of the first quarter of the samples after warm-up.</summary>
    public double FirstQuarterRss { get; }

    /// <summary>Mean RSS of the last quarter of the samples after warm-up.</summary>
    public double LastQuarterRss { get; }

    /// <summary>Least-squares slope of the heap after warm-up, in bytes per minute.</summary>
    public double HeapSlope { get; }

    /// <summary>Least-squares slope of RSS after warm-up, in bytes per minute.</summary>
    public double RssSlope { get; }

    /// <summary>Verified throughput after warm-up, in MB (10⁶ bytes) per second.</summary>
    public double SteadyMegabytesPerSecond { get; }

    /// <summary>Every check, in order.</summary>
    public IReadOnlyList<SoakCheck> Checks { get; }

    /// <summary>Whether every check held.</summary>
    public bool Passed => Checks.All(c => c.Passed);

    /// <summary>Writes the curve as CSV (<see cref="MemorySample.CsvHeader"/>).</summary>
    public void WriteCurve(TextWriter writer)
    {
        writer.WriteLine(MemorySample.CsvHeader);
        foreach (var sample in Samples) writer.WriteLine(sample.ToCsv());
    }

    /// <summary>Writes the summary and the checks, one per line.</summary>
    public void WriteSummary(TextWriter writer)
    {
        var c = CultureInfo.InvariantCulture;
        writer.WriteLine(string.Create(c, $"workload: {Workload}"));
        writer.WriteLine(string.Create(c, $"ran: {Elapsed.TotalSeconds:F0} s (warm-up {Options.WarmUp.TotalSeconds:F0} s), {Samples.Count} samples every {Options.SampleInterval.TotalSeconds:F0} s"));
        writer.WriteLine(string.Create(c, $"verified: {VerifiedBytes:N0} B ({VerifiedBytes / MiB / 1024:F2} GiB) in {VerifiedUnits:N0} units, {VerifiedBytes / 1e6 / Elapsed.TotalSeconds:F1} MB/s overall, {SteadyMegabytesPerSecond:F1} MB/s after warm-up"));
        writer.WriteLine(string.Create(c, $"heap after warm-up: first quarter {FirstQuarterHeap / MiB:F1} MiB, last quarter {LastQuarterHeap / MiB:F1} MiB, slope {HeapSlope / MiB:+0.00;-0.00} MiB/min"));
        writer.WriteLine(string.Create(c, $"RSS after warm-up: first quarter {FirstQuarterRss / MiB:F1} MiB, last quarter {LastQuarterRss / MiB:F1} MiB, slope {RssSlope / MiB:+0.00;-0.00} MiB/min"));
        writer.WriteLine(string.Create(c, $"mismatches: {Mismatches}, failures: {Failures}, unobserved task exceptions: {UnobservedTaskExceptions}"));
        foreach (var message in Messages) writer.WriteLine("  " + message);
        foreach (var check in Checks) writer.WriteLine($"{(check.Passed ? "PASS" : "FAIL")} {check.Name}: {check.Detail}");
        writer.WriteLine(Passed ? "soak passed" : "soak FAILED");
    }

    private static double Mean(IEnumerable<MemorySample> samples, Func<MemorySample, long> value) =>
        samples.Select(s => (double)value(s)).DefaultIfEmpty(0).Average();

    /// <summary>Least-squares slope of <paramref name="value"/> over time, per minute; 0 with fewer than two samples.</summary>
    private static double Slope(IReadOnlyList<MemorySample> samples, Func<MemorySample, long> value)
    {
        if (samples.Count < 2) return 0;
        double meanT = samples.Average(s => s.Seconds), meanV = samples.Average(s => (double)value(s));
        double covariance = samples.Sum(s => (s.Seconds - meanT) * (value(s) - meanV));
        double variance = samples.Sum(s => (s.Seconds - meanT) * (s.Seconds - meanT));
        return variance == 0 ? 0 : covariance / variance * 60;
    }
}
