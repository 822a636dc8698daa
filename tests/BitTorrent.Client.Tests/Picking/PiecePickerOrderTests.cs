using BitTorrent.Client;
using static BitTorrent.Client.Tests.Picking.PickerTestKit;

namespace BitTorrent.Client.Tests.Picking;

public class PiecePickerOrderTests
{
    [Fact]
    public void Rarest_pieces_are_picked_first()
    {
        var picker = Create(10);
        var a = picker.AddPeer(1, All(10));
        picker.AddPeer(2, 0, 1, 2, 3, 4, 6, 7, 8, 9);
        picker.AddPeer(3, 0, 1, 2, 3, 4);

        Assert.Equal([5], picker.Pick(a, 1).Pieces());
        Assert.Equal([6, 7, 8, 9], picker.Pick(a, 4).Pieces().Order());
        Assert.Equal([0, 1, 2, 3, 4], picker.Pick(a, 5).Pieces().Order());
        Assert.Empty(picker.Pick(a, 1)); // all requested: end-game duplicates need a second peer
    }

    [Fact]
    public void Availability_follows_haves_donthaves_and_disconnects()
    {
        var picker = Create(4);
        var a = picker.AddPeer(1, 0, 1, 2, 3);
        var b = picker.AddPeer(2, 0, 1, 2);
        var c = picker.AddPeer(3);
        picker.OnHave(c, 0);
        picker.OnHave(c, 1);
        Assert.Equal([3, 3, 2, 1], Enumerable.Range(0, 4).Select(picker.Availability));

        picker.OnDontHave(b, 1);
        picker.RemovePeer(c);
        Assert.Equal([2, 1, 2, 1], Enumerable.Range(0, 4).Select(picker.Availability));
        Assert.Equal([1, 3], picker.Pick(a, 2).Pieces().Order());
    }

    [Fact]
    public void Seeds_count_towards_availability_without_touching_every_piece()
    {
        var picker = Create(3);
        var seed = picker.AddSeed(1);
        picker.AddPeer(2, 0, 1);
        Assert.Equal([2, 2, 1], Enumerable.Range(0, 3).Select(picker.Availability));
        Assert.Equal([2], picker.Pick(seed, 1).Pieces()); // held only by the seed: rarest

        picker.OnDontHave(seed, 0);
        Assert.Equal([1, 2, 1], Enumerable.Range(0, 3).Select(picker.Availability));

        var fromField = P(3);
        picker.AddPeer(fromField);
        var all = new BitTorrent.Wire.BitField(); // a have-all field that never learned the piece count
        all.SetAll();
        picker.OnBitfield(fromField, all);
        Assert.Equal([2, 3, 2], Enumerable.Range(0, 3).Select(picker.Availability));
        picker.OnHaveNone(fromField);
        Assert.Equal([1, 2, 1], Enumerable.Range(0, 3).Select(picker.Availability));
    }

    [Fact]
    public void Ties_are_broken_at_random_and_reproducibly_by_seed()
    {
        const int pieces = 8, runs = 400;
        var counts = new int[pieces + 1];
        for (int seed = 0; seed < runs; seed++)
        {
            var picker = Create(pieces + 1, seed: seed);
            var peer = picker.AddPeer(1, All(pieces)); // piece 8 is nobody's
            counts[picker.Pick(peer, 1)[0].Index]++;
        }
        Assert.Equal(0, counts[pieces]);
        // Expected 50 each; a fair draw stays well inside 20..90 (p < 1e-6 per piece).
        Assert.All(counts[..pieces], c => Assert.InRange(c, 20, 90));

        int First(int seed)
        {
            var picker = Create(pieces, seed: seed);
            return picker.Pick(picker.AddPeer(1, 0, 1, 2, 3, 4, 5, 6), 1)[0].Index;
        }
        Assert.Equal(First(42), First(42));
    }

    [Fact]
    public void The_first_pieces_are_random_then_rarest_first()
    {
        int rarestFirst = 0;
        for (int seed = 0; seed < 100; seed++)
        {
            var picker = Create(20, seed: seed, initialRandom: 4);
            var a = picker.AddPeer(1, All(20));
            picker.AddPeer(2, All(20)[1..]); // piece 0 is the rarest
            if (picker.Pick(a, 1)[0].Index == 0) rarestFirst++;
        }
        Assert.InRange(rarestFirst, 1, 20); // random: about 1 in 20, not always

        // After four verified pieces, rarest first: piece 0 next unless the random pieces included it.
        var p = Create(20, seed: 7, initialRandom: 4);
        var a2 = p.AddPeer(1, All(20));
        p.AddPeer(2, All(20)[1..]);
        var first = p.Pick(a2, 4);
        Assert.DoesNotContain(0, first.Pieces());
        p.Complete(a2, first);
        Assert.Equal(0, p.Pick(a2, 1)[0].Index);
    }

    [Fact]
    public void Partial_pieces_are_finished_first_and_a_peer_keeps_to_its_own_piece()
    {
        var picker = Create(10, blocksPerPiece: 4);
        var a = picker.AddSeed(1);
        var b = picker.AddSeed(2);
        var x = picker.Pick(a, 1)[0];
        var joined = picker.Pick(b, 3);
        Assert.All(joined, block => Assert.Equal(x.Index, block.Index)); // B finishes A's partial piece instead of starting one

        var y = picker.Pick(a, 1)[0]; // X is fully requested: A starts Y
        Assert.NotEqual(x.Index, y.Index);
        picker.OnBlockFailed(a, x); // X (last taken by B) and Y (by A) both have free blocks now
        Assert.Equal(y.Index, picker.Pick(a, 1)[0].Index);
        Assert.Equal(x, picker.Pick(b, 1)[0]);
    }

    [Fact]
    public void Priority_zero_pieces_are_never_requested_and_higher_priorities_go_first()
    {
        // Files of 2.5, 1.5 and 2 pieces: the middle one skipped, so piece 2 (shared) stays wanted and piece 3 is skipped.
        byte[] priorities = PiecePriorities.FromFiles([5 * Block, 3 * Block, 4 * Block], [1, 0, 7], 2 * Block);
        Assert.Equal(new byte[] { 1, 1, 1, 0, 7, 7 }, priorities);

        var picker = Create(6, blocksPerPiece: 2);
        picker.SetPiecePriorities(priorities);
        var a = picker.AddSeed(1);
        picker.AddPeer(2, 0, 1, 2); // the low-priority pieces are common, the high ones rare: priority still wins
        int[] order = picker.Pick(a, 100).Pieces();
        Assert.Equal([4, 5], order[..2].Order());
        Assert.Equal([0, 1, 2], order[2..].Order());
        Assert.False(picker.WantsPiece(3));
    }

    [Fact]
    public void Sequential_mode_picks_in_index_order()
    {
        var picker = Create(12);
        picker.Sequential = true;
        var a = picker.AddPeer(1, 0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11);
        picker.AddPeer(2, 4, 5, 6); // rarity is ignored
        picker.SetPiecePriority(5, 0);
        var first = picker.Pick(a, 5);
        Assert.Equal([0, 1, 2, 4, 6], first.Pieces());
        picker.Complete(a, first);
        Assert.Equal([7, 8], picker.Pick(a, 2).Pieces());
    }

    [Fact]
    public void A_choked_peer_is_asked_only_for_its_allowed_fast_pieces()
    {
        var picker = Create(10, blocksPerPiece: 2);
        var a = picker.AddPeer(1, All(9));
        Assert.Empty(picker.Pick(a, 10, choked: true));
        var blocks = picker.Pick(a, 10, choked: true, allowedFast: [3, 7, 9]); // 9: the peer lacks it
        Assert.Equal([3, 7], blocks.Pieces().Order());
        Assert.Equal(4, blocks.Length);
    }

    [Fact]
    public void Suggested_pieces_come_before_rarer_ones()
    {
        var picker = Create(10);
        var a = picker.AddSeed(1);
        picker.AddPeer(2, 0, 1, 2, 3, 4, 5, 6, 7, 8); // piece 9 is the rarest
        picker.OnSuggest(a, 4);
        Assert.Equal([4, 9], picker.Pick(a, 2).Pieces());
    }
}
