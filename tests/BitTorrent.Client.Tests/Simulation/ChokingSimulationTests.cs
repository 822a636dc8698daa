using System.Net;

namespace BitTorrent.Client.Tests.Simulation;

/// <summary>
/// Tit-for-tat in virtual time: a leecher with six interested peers (more than its four upload slots) that it
/// downloads from at six different rates.
/// </summary>
[Collection(nameof(SimulationCollection))]
public sealed class ChokingSimulationTests
{
    private const int PieceLength = 32 * 1024;
    private const int LeecherPieces = 120; // what the peers lack: they stay interested in the leecher all along

    [Fact]
    public async Task Regular_slots_follow_the_download_rate_every_10_s_and_the_optimistic_unchoke_rotates_every_30_s()
    {
        // Private: no peer exchange, so the six peers know only the leecher and it is their one interested peer.
        var content = SimulatedContent.Create([2500L * PieceLength], PieceLength, isPrivate: true);
        await using var swarm = new SimulatedSwarm(content);
        var leecher = await swarm.AddPeerAsync(p => p < LeecherPieces);
        // The leecher serves no block (its reads never complete): the peers stay interested all along, and its uplink
        // carries only its requests, so the download rates are the links' (see the report on head-of-line blocking).
        leecher.Storage.StopAnswering();
        long[] rates = [8 * 1024, 16 * 1024, 32 * 1024, 48 * 1024, 64 * 1024, 80 * 1024];
        var peers = new List<SimulatedPeer>();
        foreach (long rate in rates)
        {
            var peer = await swarm.AddPeerAsync(p => p >= LeecherPieces);
            swarm.Network.SetRate(peer.EndPoint, leecher.EndPoint, rate);
            swarm.Network.SetRate(leecher.EndPoint, peer.EndPoint, 4 * 1024);
            leecher.Session.AddPeer(peer.EndPoint);
            peers.Add(peer);
        }
        var samples = new List<(TimeSpan Time, HashSet<IPEndPoint> Unchoked)>();
        var rateLog = new Dictionary<TimeSpan, string>();
        void Sample()
        {
            samples.Add((swarm.Network.Elapsed, [.. leecher.Session.Peers.Where(p => !p.Flags.HasFlag(PeerFlags.AmChoking)).Select(p => p.EndPoint)]));
            rateLog[swarm.Network.Elapsed] = string.Join(", ", leecher.Session.Peers.Select(p => $"{p.EndPoint.Address} {p.DownloadRate / 1024:F0} KiB/s"));
        }
        // The rates of each whole second in the 12 s before time: what the last rechoke saw.
        string RatesBefore(TimeSpan time) => string.Join("; ", rateLog
            .Where(r => r.Key >= time - TimeSpan.FromSeconds(12) && r.Key <= time && r.Key.Milliseconds == 0)
            .Select(r => $"{r.Key}: {r.Value}"));
        Assert.True(await swarm.Network.RunAsync(TimeSpan.FromSeconds(60), () => leecher.Session.Peers.Count == 6), swarm.Describe());
        var start = swarm.Network.Elapsed;

        // Phase one: the four fastest (80, 64, 48 and 32 KiB/s) hold the regular slots; the two slowest share the optimistic one.
        await swarm.Network.RunAsync(TimeSpan.FromSeconds(150), afterEachStep: Sample);
        Assert.Equal(6, leecher.Session.Peers.Count(p => p.Flags.HasFlag(PeerFlags.PeerInterested)));
        var settled = samples.Where(s => s.Time >= start + TimeSpan.FromSeconds(30)).ToList();
        var fastest = peers[2..].Select(p => p.EndPoint).ToList();
        foreach (var (time, unchoked) in settled)
        {
            Assert.True(fastest.All(unchoked.Contains), $"at {time} the fastest peers are not all unchoked: {string.Join(", ", unchoked)}; rates {RatesBefore(time)}");
            Assert.Equal(5, unchoked.Count); // four regular slots and one optimistic
        }
        var flaps = swarm.Network.MessagesOf(BitTorrent.Wire.MessageId.NotInterested, to: leecher.EndPoint);
        Assert.True(flaps.Count == 0, $"{flaps.Count} not-interested from the peers, first at {flaps.FirstOrDefault().Time} from {flaps.FirstOrDefault().From}");
        AssertOptimisticRotation(settled, peers[0].EndPoint, peers[1].EndPoint, swarm.Network.Step);

        // Phase two: the fastest peer becomes the slowest and the slowest the fastest. Within one rate window (5 s)
        // and one rechoke (10 s) the slots follow.
        var swap = swarm.Network.Elapsed;
        swarm.Network.SetRate(peers[5].EndPoint, leecher.EndPoint, 8 * 1024);
        swarm.Network.SetRate(peers[0].EndPoint, leecher.EndPoint, 80 * 1024);
        await swarm.Network.RunAsync(TimeSpan.FromSeconds(90), afterEachStep: Sample);
        var after = samples.Where(s => s.Time >= swap + TimeSpan.FromSeconds(20)).ToList();
        var nowFastest = new[] { peers[0], peers[2], peers[3], peers[4] }.Select(p => p.EndPoint).ToList();
        foreach (var (time, unchoked) in after)
            Assert.True(nowFastest.All(unchoked.Contains), $"at {time} the fastest peers are not all unchoked: {string.Join(", ", unchoked)}; rates {RatesBefore(time)}");
        AssertOptimisticRotation(after, peers[1].EndPoint, peers[5].EndPoint, swarm.Network.Step);
        Assert.False(leecher.Session.WaitForCompletionAsync().IsCompleted, "the leecher completed: the test ran out of data");
    }

    /// <summary>Exactly one of two slow peers is unchoked at a time, each in turn, changing every 30 s (a rechoke is due every 10 s),
    /// seen at samples <paramref name="step"/> apart.</summary>
    private static void AssertOptimisticRotation(List<(TimeSpan Time, HashSet<IPEndPoint> Unchoked)> samples, IPEndPoint a, IPEndPoint b, TimeSpan step)
    {
        var changes = new List<TimeSpan>();
        IPEndPoint? current = null;
        foreach (var (time, unchoked) in samples)
        {
            Assert.True(unchoked.Contains(a) != unchoked.Contains(b), $"at {time} {a} and {b} are {(unchoked.Contains(a) ? "both" : "neither")} unchoked");
            var optimistic = unchoked.Contains(a) ? a : b;
            if (current is not null && !optimistic.Equals(current)) changes.Add(time);
            current = optimistic;
        }
        var span = samples[^1].Time - samples[0].Time;
        Assert.True(changes.Count >= (int)(span.TotalSeconds / 30) - 1, $"the optimistic unchoke changed {changes.Count} times in {span}");
        for (int i = 1; i < changes.Count; i++)
        {
            var interval = changes[i] - changes[i - 1];
            // Seen at the samples after each step: a change the loop ran a step late is seen one step (100 ms) late.
            var jitter = 2 * step;
            Assert.True(interval >= TimeSpan.FromSeconds(30) - jitter && interval <= TimeSpan.FromSeconds(40) + jitter,
                $"the optimistic unchoke moved after {interval} (at {string.Join(", ", changes)})");
        }
    }
}
