using BitTorrent.Storage;
using BitTorrent.Wire;

namespace BitTorrent.Client.Tests.Simulation;

/// <summary>Which pieces a leecher asks for, read off the wire by the network's tap.</summary>
[Collection(nameof(SimulationCollection))]
public sealed class PickingSimulationTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Pieces_only_one_peer_has_are_requested_from_it_first()
    {
        const int Pieces = 96, Rare = 8;
        var content = SimulatedContent.Create([Pieces * 256L * 1024], 256 * 1024, isPrivate: true);
        await using var swarm = new SimulatedSwarm(content);
        var leecher = await swarm.AddPeerAsync(_ => false);
        // The last eight pieces are held by one seed only; three other peers hold everything else.
        var seed = await swarm.AddSeedAsync();
        var others = new List<SimulatedPeer>();
        for (int i = 0; i < 3; i++) others.Add(await swarm.AddPeerAsync(p => p < Pieces - Rare));
        foreach (var peer in others.Prepend(seed))
        {
            swarm.Network.SetRate(peer.EndPoint, leecher.EndPoint, 512 * 1024);
            leecher.Session.AddPeer(peer.EndPoint);
        }

        Assert.True(await swarm.RunUntilCompleteAsync([leecher], Limit), swarm.Describe());

        // Random pieces until four are verified, then partial pieces first, and new pieces rarest first: every piece the
        // seed starts from then on is a rare one until none is left (random or index order would start common ones).
        var verified = leecher.Alerts.Seen.OfType<PieceVerifiedAlert>().Select(a => swarm.Network.ElapsedAt(a.Time)).Order().ToList();
        var randomPhaseEnd = verified[3] + swarm.Network.Step;
        var requests = swarm.Network.MessagesOf(MessageId.Request, leecher.EndPoint);
        var starts = requests.DistinctBy(r => r.Index).ToList();
        var rare = Enumerable.Range(Pieces - Rare, Rare).ToList();
        var rareLeft = rare.Where(p => !starts.Any(s => s.Index == p && s.Time <= randomPhaseEnd)).ToList();
        // Started by the seed: asked of it in a step before any other peer was asked for the piece (requests of one
        // step reach their peers in whatever order the wires' send loops run).
        var seedStarts = starts.Where(s => s.To.Equals(seed.EndPoint) && s.Time > randomPhaseEnd
                && !requests.Any(r => r.Index == s.Index && !r.To.Equals(seed.EndPoint) && r.Time <= s.Time))
            .Select(s => s.Index).ToList();
        Assert.NotEmpty(rareLeft);
        Assert.True(rareLeft.Order().SequenceEqual(seedStarts.Take(rareLeft.Count).Order()),
            $"rare pieces left after {randomPhaseEnd}: {string.Join(", ", rareLeft)}; pieces the seed started then: {string.Join(", ", seedStarts)}");
        Assert.Equal(0, leecher.Storage.CorruptWrites);
    }

    [Fact]
    public async Task Partial_pieces_are_finished_before_new_ones_are_started()
    {
        // One seed: every piece the leecher starts is finished by the same peer; at most one piece is partial beyond
        // what the request pipeline covers (at most reqq - 1 = 249 blocks, about 16 pieces of 16 blocks).
        int mostPartial = await MostPartialPiecesAsync(256 * 1024);
        Assert.True(mostPartial <= 17, $"{mostPartial} pieces were partial at once");
    }

    [Fact]
    public async Task A_slow_and_a_fast_peer_do_not_leave_more_pieces_partial_than_their_pipelines_cover()
    {
        // The fast peer finishes pieces the slow one started (partial pieces first); the slow peer's own blocks of them
        // must not wait behind a long queue. With a whole reqq (249 blocks, 15 s at 256 KiB/s) per peer whatever its
        // rate, 60 of the 100 pieces were seen partial at once (each a 256 KiB buffer); with requests sized to the
        // peer's rate they stay within the two pipelines.
        int mostPartial = await MostPartialPiecesAsync(256 * 1024, 1024 * 1024);
        Assert.True(mostPartial <= 34, $"{mostPartial} pieces were partial at once");
    }

    /// <summary>Downloads 100 pieces of 16 blocks from seeds at <paramref name="rates"/>; returns the most pieces partial at once.</summary>
    private static async Task<int> MostPartialPiecesAsync(params long[] rates)
    {
        const int Pieces = 100, BlocksPerPiece = 16;
        var content = SimulatedContent.Create([Pieces * 256L * 1024], 256 * 1024, isPrivate: true);
        await using var swarm = new SimulatedSwarm(content);
        var leecher = await swarm.AddPeerAsync(_ => false);
        foreach (long rate in rates)
        {
            var seed = await swarm.AddSeedAsync();
            swarm.Network.SetRate(seed.EndPoint, leecher.EndPoint, rate);
            leecher.Session.AddPeer(seed.EndPoint);
        }

        Assert.True(await swarm.RunUntilCompleteAsync([leecher], Limit), swarm.Describe());

        // Pieces with some blocks received and some missing, after each block the leecher received.
        var received = new Dictionary<int, HashSet<int>>();
        int partial = 0, mostPartial = 0;
        foreach (var block in swarm.Network.MessagesOf(MessageId.Piece, to: leecher.EndPoint))
        {
            if (!received.TryGetValue(block.Index, out var blocks)) received[block.Index] = blocks = [];
            if (!blocks.Add(block.Begin)) continue;
            if (blocks.Count == 1) partial++;
            if (blocks.Count == BlocksPerPiece) partial--;
            mostPartial = Math.Max(mostPartial, partial);
        }
        return mostPartial;
    }

    [Fact]
    public async Task Pieces_of_skipped_files_are_never_requested()
    {
        const int PieceLength = 64 * 1024;
        // File 1 starts inside piece 16 (shared with file 0) and ends inside piece 48 (shared with file 2).
        var content = SimulatedContent.Create([16L * PieceLength + 10_000, 32L * PieceLength, 16L * PieceLength], PieceLength, isPrivate: true);
        await using var swarm = new SimulatedSwarm(content);
        var leecher = await swarm.AddPeerAsync(_ => false, o => o with { SelectedFiles = [0, 2] });
        var seed = await swarm.AddSeedAsync();
        swarm.Network.SetRate(seed.EndPoint, leecher.EndPoint, 1024 * 1024);
        leecher.Session.AddPeer(seed.EndPoint);

        Assert.True(await swarm.RunUntilCompleteAsync([leecher], Limit), swarm.Describe());

        var requested = FirstRequests(swarm.Network.MessagesOf(MessageId.Request, leecher.EndPoint)).ToHashSet();
        var skippedOnly = Enumerable.Range(17, 31).ToHashSet(); // pieces 17..47 lie inside file 1 alone
        var wanted = Enumerable.Range(0, content.Info.PieceCount).Where(p => !skippedOnly.Contains(p)).ToHashSet();
        Assert.Empty(requested.Intersect(skippedOnly));
        Assert.True(wanted.SetEquals(requested), $"requested: {string.Join(", ", requested.Order())}");
        Assert.All(wanted, p => Assert.True(leecher.Storage.Has(p), $"piece {p} missing"));
        Assert.Equal(1.0, leecher.Session.Progress);
    }

    [Fact]
    public async Task Pieces_of_a_high_priority_file_are_all_requested_before_any_of_a_low_one_and_skipped_files_never()
    {
        const int PieceLength = 64 * 1024;
        // File 0 (low) has pieces 0..15 and shares piece 16 with file 1 (high: 16..47), which shares piece 48 with
        // file 2 (normal: 48..63); file 3 (skipped) lies in pieces 64..71 alone.
        var content = SimulatedContent.Create([16L * PieceLength + 10_000, 32L * PieceLength, 16L * PieceLength - 10_000, 8L * PieceLength],
            PieceLength, isPrivate: true);
        await using var swarm = new SimulatedSwarm(content);
        var leecher = await swarm.AddPeerAsync(_ => false,
            o => o with { FilePriorities = [FilePriority.Low, FilePriority.High, FilePriority.Normal, FilePriority.Skip] });
        var seed = await swarm.AddSeedAsync();
        swarm.Network.SetRate(seed.EndPoint, leecher.EndPoint, 1024 * 1024);
        leecher.Session.AddPeer(seed.EndPoint);

        Assert.True(await swarm.RunUntilCompleteAsync([leecher], Limit), swarm.Describe());

        var order = FirstRequests(swarm.Network.MessagesOf(MessageId.Request, leecher.EndPoint));
        int Rank(int piece) => piece is >= 16 and <= 48 ? 0 : piece > 48 ? 1 : 2; // high (with the shared ones), normal, low
        Assert.Equal(Enumerable.Range(0, 64), order.Order());
        Assert.True(order.Select(Rank).SequenceEqual(order.Select(Rank).Order()), $"first requests: {string.Join(", ", order)}");
        Assert.All(Enumerable.Range(64, 8), p => Assert.False(leecher.Storage.Has(p), $"piece {p} of the skipped file"));
        Assert.Equal(1.0, leecher.Session.Progress);
    }

    [Fact]
    public async Task Sequential_mode_starts_pieces_in_index_order()
    {
        const int Pieces = 64;
        var content = SimulatedContent.Create([Pieces * 64L * 1024], 64 * 1024, isPrivate: true);
        await using var swarm = new SimulatedSwarm(content);
        var leecher = await swarm.AddPeerAsync(_ => false, o => o with { Sequential = true });
        for (int i = 0; i < 2; i++)
        {
            var seed = await swarm.AddSeedAsync();
            swarm.Network.SetRate(seed.EndPoint, leecher.EndPoint, 256 * 1024);
            leecher.Session.AddPeer(seed.EndPoint);
        }

        Assert.True(await swarm.RunUntilCompleteAsync([leecher], Limit), swarm.Describe());

        // Pieces are started in index order: the requests of the two peers interleave only within what one batch of
        // requests to a peer covers (64 blocks, 16 pieces).
        var started = FirstRequests(swarm.Network.MessagesOf(MessageId.Request, leecher.EndPoint));
        Assert.Equal(Pieces, started.Count);
        for (int i = 0; i < started.Count; i++)
            Assert.True(Math.Abs(started[i] - i) <= 16, $"piece {started[i]} was the {i}th started: {string.Join(", ", started)}");
        // Rarest first or random order would start piece 63 long before the end; in order it is among the last.
        Assert.True(started.IndexOf(Pieces - 1) >= Pieces - 17);
    }

    /// <summary>The distinct pieces of <paramref name="requests"/>, in the order each was first requested.</summary>
    internal static List<int> FirstRequests(IEnumerable<TappedMessage> requests) => [.. requests.Select(r => r.Index).Distinct()];
}
