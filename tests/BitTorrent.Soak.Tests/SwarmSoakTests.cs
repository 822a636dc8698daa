using System.Globalization;
using Xunit.Abstractions;

namespace BitTorrent.Soak.Tests;

/// <summary>
/// The engine swarm soak of RELIABILITY.md in the test command, for under a minute: one seeding engine and four leeching
/// engines downloading the torrent again and again, every download compared with the seeder's files, the engines living
/// for the whole run. Like the wire soak its length is fixed, and its downloads are capped so it shares two cores with
/// the other test projects.
/// </summary>
[Collection(SoakCollection.Name)]
public sealed class SwarmSoakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Four_leeching_engines_downloading_again_and_again_for_a_minute_keep_heap_and_rss_flat()
    {
        var options = new SoakOptions
        {
            Mode = SoakMode.Swarm,
            Leechers = 4,
            SwarmBytes = 4L << 20,
            MegabytesPerSecond = 40,
            Duration = TimeSpan.FromSeconds(54),
            WarmUp = TimeSpan.FromSeconds(15),
            // A download counts when it is complete and compared, so an interval needs room for a round of downloads
            // also when the machine is loaded (at 8 MB/s the four leechers finish one each about every 2 s).
            SampleInterval = TimeSpan.FromSeconds(3),
            // The live heap swings by about 10 MiB with the downloads in flight at the sample; a leak of a piece
            // buffer per download (over 100 downloads between the first and the last quarter) still fails.
            HeapSlack = 10L << 20,
        };
        var result = await SoakRunner.RunAsync(options).WaitAsync(TimeSpan.FromMinutes(4));

        var summary = new StringWriter();
        result.WriteSummary(summary);
        result.WriteCurve(summary);
        output.WriteLine(summary.ToString());
        Assert.True(result.Passed, summary.ToString());
        // "N verified downloads, per leecher a, b, c, d": every leecher completed several, each compared with the seed.
        string detail = result.Checks.Single(c => c.Name == "every leecher completed downloads").Detail;
        var perLeecher = detail[(detail.IndexOf("per leecher ", StringComparison.Ordinal) + "per leecher ".Length)..]
            .Split(", ").Select(n => long.Parse(n, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(4, perLeecher.Length);
        Assert.All(perLeecher, downloads => Assert.True(downloads >= 5, detail));
        Assert.Equal(result.VerifiedUnits, perLeecher.Sum());
        Assert.Equal(result.VerifiedUnits * options.SwarmBytes, result.VerifiedBytes);
        Assert.InRange(result.Samples.Count(s => !s.WarmUp), 9, 14);
    }
}
