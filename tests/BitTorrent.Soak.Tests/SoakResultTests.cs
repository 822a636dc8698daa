namespace BitTorrent.Soak.Tests;

/// <summary>The soak's checks over made-up curves: what passes, what fails, and that warm-up is not judged.</summary>
public sealed class SoakResultTests
{
    private const long MiB = 1 << 20;
    private static readonly SoakOptions Options = new() { WarmUp = TimeSpan.FromSeconds(20), SampleInterval = TimeSpan.FromSeconds(10) };

    /// <summary>Samples every 10 s for 120 s (warm-up to 20 s), with heap and RSS given per sample and 10 MB/s moved.</summary>
    private static List<MemorySample> Curve(Func<int, long> heap, Func<int, long> rss) =>
        [.. Enumerable.Range(1, 12).Select(i => new MemorySample(i * 10, i * 10 < 20, heap(i), rss(i), i * 100_000_000L, 10))];

    private static SoakResult Result(List<MemorySample> samples, Action<SoakCounters>? damage = null, long unobserved = 0,
        params SoakCheck[] workloadChecks)
    {
        var counters = new SoakCounters();
        counters.Verified(1_200_000_000);
        damage?.Invoke(counters);
        return new SoakResult(Options, "made up", TimeSpan.FromSeconds(120), samples, counters, unobserved, workloadChecks);
    }

    private static string[] Failed(SoakResult result) => [.. result.Checks.Where(c => !c.Passed).Select(c => c.Name)];

    [Fact]
    public void A_flat_curve_passes_and_its_slopes_are_near_zero()
    {
        var result = Result(Curve(i => 100 * MiB + i % 2 * MiB, i => 200 * MiB - i % 2 * MiB));
        Assert.True(result.Passed);
        Assert.Empty(Failed(result));
        Assert.InRange(result.HeapSlope, -MiB, MiB);
        Assert.Equal(100.5 * MiB, result.FirstQuarterHeap, 0.5 * MiB);
    }

    [Fact]
    public void Growth_during_warm_up_is_reported_but_not_judged()
    {
        var result = Result(Curve(i => i < 2 ? 10 * MiB : 100 * MiB, i => i < 2 ? 50 * MiB : 200 * MiB));
        Assert.True(result.Passed);
    }

    [Fact]
    public void A_heap_that_keeps_growing_fails_only_the_heap_check_and_its_slope_is_measured()
    {
        // +2 MiB every 10 s: first quarter (samples 2-3) 105 MiB, last quarter (11-12) 123 MiB, bound 105 × 1.1 + 4.
        var result = Result(Curve(i => 100 * MiB + i * 2 * MiB, _ => 200 * MiB));
        Assert.False(result.Passed);
        Assert.Equal(["heap flat"], Failed(result));
        Assert.Equal(12 * MiB, result.HeapSlope, 1.0);
    }

    [Fact]
    public void Growth_within_ten_percent_and_the_slack_passes()
    {
        // Heap: 100 MiB, then +10 % + 3 MiB in the last quarter; RSS: +10 % + 15 MiB.
        var result = Result(Curve(i => i > 10 ? 113 * MiB : 100 * MiB, i => i > 10 ? 235 * MiB : 200 * MiB));
        Assert.True(result.Passed, string.Join(", ", Failed(result)));
        var over = Result(Curve(i => 100 * MiB, i => i > 10 ? 237 * MiB : 200 * MiB));
        Assert.Equal(["RSS flat"], Failed(over));
    }

    [Fact]
    public void A_mismatch_a_failure_an_unobserved_exception_or_a_failed_workload_check_fails_the_soak()
    {
        var flat = Curve(_ => 100 * MiB, _ => 200 * MiB);
        Assert.Equal(["no mismatch"], Failed(Result(flat, c => c.Mismatch("block 3"))));
        Assert.Equal(["no failure"], Failed(Result(flat, c => c.Failure("request timed out"))));
        Assert.Equal(["no unobserved task exception"], Failed(Result(flat, unobserved: 1)));
        Assert.Equal(["every wire verified blocks"], Failed(Result(flat, workloadChecks: new SoakCheck("every wire verified blocks", false, "199 of 200"))));
        Assert.Equal(["mismatch: block 3"], Result(flat, c => c.Mismatch("block 3")).Messages);
    }

    [Fact]
    public void A_stalled_interval_or_too_few_samples_fail_the_soak()
    {
        var stalled = Curve(_ => 100 * MiB, _ => 200 * MiB);
        stalled[6] = stalled[6] with { MegabytesPerSecond = 0 };
        Assert.Equal(["bytes moved in every interval after warm-up"], Failed(Result(stalled)));
        Assert.Contains("samples after warm-up", Failed(Result(Curve(_ => MiB, _ => MiB)[..4])));
    }

    [Fact]
    public void The_curve_is_written_as_csv_one_line_per_sample()
    {
        var writer = new StringWriter();
        Result(Curve(_ => 100 * MiB, _ => 200 * MiB)).WriteCurve(writer);
        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(13, lines.Length);
        Assert.Equal(MemorySample.CsvHeader, lines[0]);
        Assert.Equal("10.0,1,104857600,209715200,100000000,10.0", lines[1]);
    }
}
