using BitTorrent.Client;
using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Client.Tests.Choking;

public class ChokerTests
{
    private static PeerHandle P(int value) => new(value);

    private static ChokeCandidate Peer(int id, double down = 0, double up = 0, bool interested = true, long connectedAt = 0) =>
        new(P(id), interested, down, up, connectedAt);

    private static (List<PeerHandle> Unchoke, List<PeerHandle> Choke) Rechoke(Choker choker, long now, bool seeding, params ChokeCandidate[] peers)
    {
        List<PeerHandle> unchoke = [], choke = [];
        choker.Rechoke(now, seeding, peers, unchoke, choke);
        return (unchoke, choke);
    }

    private static HashSet<PeerHandle> Regular(Choker choker) => [.. choker.Unchoked.Where(p => p != choker.Optimistic)];

    [Fact]
    public void Leeching_slots_go_to_the_interested_peers_we_download_from_fastest()
    {
        var time = new FakeTimeProvider();
        var choker = new Choker(time, new ChokerOptions { UploadSlots = 3, RandomSeed = 1 });
        var (unchoke, choke) = Rechoke(choker, time.GetTimestamp(), seeding: false,
            Peer(1, down: 10), Peer(2, down: 50), Peer(3, down: 30), Peer(4, down: 20), Peer(5, down: 40), Peer(6, down: 5),
            Peer(7, down: 999, interested: false));
        Assert.Equal([P(2), P(3), P(5)], Regular(choker).OrderBy(p => p.Value));
        Assert.NotNull(choker.Optimistic);
        Assert.Contains(choker.Optimistic!.Value, new[] { P(1), P(4), P(6) });
        Assert.Equal(4, unchoke.Count);
        Assert.Empty(choke);
        Assert.DoesNotContain(P(7), choker.Unchoked);
    }

    [Fact]
    public void Seeding_slots_go_to_the_peers_we_upload_to_fastest_and_losers_are_choked()
    {
        var time = new FakeTimeProvider();
        var choker = new Choker(time, new ChokerOptions { UploadSlots = 2, RandomSeed = 1 });
        Rechoke(choker, time.GetTimestamp(), seeding: true, Peer(1, up: 10, down: 99), Peer(2, up: 30), Peer(3, up: 20));
        Assert.Equal([P(2), P(3)], Regular(choker).OrderBy(p => p.Value));
        Assert.Equal(P(1), choker.Optimistic);

        time.Advance(TimeSpan.FromSeconds(10));
        var (unchoke, choke) = Rechoke(choker, time.GetTimestamp(), seeding: true,
            Peer(1, up: 10), Peer(2, up: 30), Peer(3, up: 20, interested: false), Peer(4, up: 25));
        Assert.Equal([P(2), P(4)], Regular(choker).OrderBy(p => p.Value));
        Assert.Equal([P(3)], choke);
        Assert.Equal([P(4)], unchoke);
    }

    [Fact]
    public void Round_robin_seeding_rotates_the_regular_slot()
    {
        var time = new FakeTimeProvider();
        var choker = new Choker(time, new ChokerOptions { UploadSlots = 1, RandomSeed = 3, SeedChoking = SeedChokingMode.RoundRobin });
        ChokeCandidate[] peers = [Peer(1), Peer(2), Peer(3), Peer(4)];
        var holders = new List<PeerHandle>();
        for (int i = 0; i < 3; i++)
        {
            Rechoke(choker, time.GetTimestamp(), seeding: true, peers);
            holders.Add(Assert.Single(Regular(choker)));
            time.Advance(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(3, holders.Distinct().Count());
    }

    [Fact]
    public void Rechoke_is_due_every_10_seconds_and_the_optimistic_unchoke_moves_every_30()
    {
        var time = new FakeTimeProvider();
        var choker = new Choker(time, new ChokerOptions { UploadSlots = 1, RandomSeed = 5 });
        ChokeCandidate[] peers = [Peer(1, down: 100), Peer(2), Peer(3), Peer(4), Peer(5)];
        Assert.True(choker.IsRechokeDue(time.GetTimestamp()));
        Rechoke(choker, time.GetTimestamp(), false, peers);
        var first = choker.Optimistic;
        Assert.NotNull(first);

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(choker.IsRechokeDue(time.GetTimestamp()));
        for (int i = 0; i < 2; i++)
        {
            time.Advance(TimeSpan.FromSeconds(i == 0 ? 5 : 10));
            Assert.True(choker.IsRechokeDue(time.GetTimestamp()));
            var (unchoke, choke) = Rechoke(choker, time.GetTimestamp(), false, peers);
            Assert.Equal(first, choker.Optimistic); // 10 s and 20 s: the same optimistic peer
            Assert.Empty(unchoke);
            Assert.Empty(choke);
        }
        time.Advance(TimeSpan.FromSeconds(10));
        var (u, c) = Rechoke(choker, time.GetTimestamp(), false, peers);
        Assert.NotEqual(first, choker.Optimistic); // 30 s: another peer's turn
        Assert.Equal([first!.Value], c);
        Assert.Equal([choker.Optimistic!.Value], u);
        Assert.Contains(P(1), choker.Unchoked);
    }

    [Fact]
    public void Newly_connected_peers_are_three_times_as_likely_to_be_the_optimistic_unchoke()
    {
        var time = new FakeTimeProvider();
        time.Advance(TimeSpan.FromMinutes(10));
        long now = time.GetTimestamp(), old = now - (long)(TimeSpan.FromMinutes(5).TotalSeconds * time.TimestampFrequency);
        int newChosen = 0;
        const int runs = 400;
        for (int seed = 0; seed < runs; seed++)
        {
            var choker = new Choker(time, new ChokerOptions { UploadSlots = 1, RandomSeed = seed });
            Rechoke(choker, now, false, Peer(1, down: 100, connectedAt: old), Peer(2, connectedAt: old), Peer(3, connectedAt: old),
                Peer(4, connectedAt: old), Peer(5, connectedAt: now));
            if (choker.Optimistic == P(5)) newChosen++;
        }
        // Weight 3 against 1+1+1: one in two (one in four if all were equal).
        Assert.InRange(newChosen, 160, 240);
    }

    [Fact]
    public void A_departed_or_uninterested_optimistic_peer_is_replaced_at_the_next_rechoke()
    {
        var time = new FakeTimeProvider();
        var choker = new Choker(time, new ChokerOptions { UploadSlots = 1, RandomSeed = 2 });
        Rechoke(choker, time.GetTimestamp(), false, Peer(1, down: 100), Peer(2), Peer(3));
        var optimistic = choker.Optimistic!.Value;
        choker.RemovePeer(optimistic);
        Assert.DoesNotContain(optimistic, choker.Unchoked);
        time.Advance(TimeSpan.FromSeconds(10));
        var rest = new[] { Peer(1, down: 100), Peer(2), Peer(3) }.Where(p => p.Peer != optimistic).ToArray();
        Rechoke(choker, time.GetTimestamp(), false, rest);
        Assert.NotNull(choker.Optimistic);
        Assert.NotEqual(optimistic, choker.Optimistic);
    }

    [Theory]
    [InlineData(4, 0, 4)]
    [InlineData(0, 0, 8)]
    [InlineData(0, 1024, 2)]
    [InlineData(0, 100 * 1024, 8)]
    [InlineData(0, 10L * 1024 * 1024, 50)]
    public void Upload_slots_follow_the_upload_limit_when_automatic(int slots, long limit, int expected) =>
        Assert.Equal(expected, new ChokerOptions { UploadSlots = slots, UploadRateLimit = limit }.EffectiveUploadSlots);
}
