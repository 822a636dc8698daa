using Xunit.Abstractions;

namespace BitTorrent.Soak.Tests;

/// <summary>
/// The soak of RELIABILITY.md in the test command, for one minute: the one test here with a fixed duration, because
/// running for a while is what it checks. The rate is capped so it shares two cores with the other test projects.
/// </summary>
[Collection(SoakCollection.Name)]
public sealed class OneMinuteSoakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Two_hundred_wires_exchanging_verified_blocks_for_a_minute_keep_heap_and_rss_flat()
    {
        var options = new SoakOptions
        {
            Wires = 200,
            Depth = 4,
            MegabytesPerSecond = 80,
            Duration = TimeSpan.FromSeconds(60),
            WarmUp = TimeSpan.FromSeconds(20),
            SampleInterval = TimeSpan.FromSeconds(2),
        };
        var result = await SoakRunner.RunAsync(options).WaitAsync(TimeSpan.FromMinutes(3));

        var summary = new StringWriter();
        result.WriteSummary(summary);
        result.WriteCurve(summary);
        output.WriteLine(summary.ToString());
        Assert.True(result.Passed, summary.ToString());
        Assert.StartsWith("200 of 200;", result.Checks.Single(c => c.Name == "every wire verified blocks").Detail);
        Assert.InRange(result.Samples.Count(s => !s.WarmUp), 15, 21);
    }
}
