using System.Diagnostics;

namespace BitTorrent.Soak;

/// <summary>Runs a workload for a fixed time, sampling the heap and RSS, and checks the outcome.</summary>
public static class SoakRunner
{
    /// <summary>
    /// Runs the soak <paramref name="options"/> describe: sets the workload up, lets it run for
    /// <see cref="SoakOptions.Duration"/> while sampling memory every <see cref="SoakOptions.SampleInterval"/>
    /// (<paramref name="onSample"/> sees each sample as it is taken), stops it and counts unobserved task exceptions.
    /// </summary>
    public static async Task<SoakResult> RunAsync(SoakOptions options, Action<MemorySample>? onSample = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        long unobserved = 0;
        var counters = new SoakCounters();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
        {
            Interlocked.Increment(ref unobserved);
            counters.Unobserved(e.Exception);
        }
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            await using ISoakWorkload workload = options.Mode switch
            {
                SoakMode.Wires => new WireSoak(options, counters),
                _ => new SwarmSoak(options, counters),
            };
            await workload.StartAsync(cancellationToken).ConfigureAwait(false);
            var clock = Stopwatch.StartNew();
            var samples = new List<MemorySample>();
            using var timer = new PeriodicTimer(options.SampleInterval);
            while (clock.Elapsed < options.Duration && await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var (heap, rss) = MemorySample.Measure();
                double seconds = clock.Elapsed.TotalSeconds;
                long verified = counters.VerifiedBytes;
                var previous = samples.Count > 0 ? samples[^1] : null;
                double rate = (verified - (previous?.VerifiedBytes ?? 0)) / 1e6 / (seconds - (previous?.Seconds ?? 0));
                var sample = new MemorySample(seconds, clock.Elapsed < options.WarmUp, heap, rss, verified, rate);
                samples.Add(sample);
                onSample?.Invoke(sample);
            }
            var elapsed = clock.Elapsed;
            await workload.StopAsync().ConfigureAwait(false);
            // Tasks whose exceptions nobody observed are reported when they are finalized.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return new SoakResult(options, workload.Description, elapsed, samples, counters, Interlocked.Read(ref unobserved), workload.FinalChecks());
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }
    }
}
