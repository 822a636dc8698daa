using BitTorrent.Client;
using BitTorrent.Wire;
using static BitTorrent.Client.Tests.Picking.PickerTestKit;

namespace BitTorrent.Client.Tests.Picking;

public class PiecePickerBlockTests
{
    [Fact]
    public void Blocks_are_16_KiB_and_the_last_piece_is_shorter()
    {
        var picker = new PiecePicker(3, 2 * Block, 4 * Block + 100, new PiecePickerOptions { InitialRandomPieces = 0, RandomSeed = 1 });
        picker.Sequential = true;
        var a = picker.AddSeed(1);
        Assert.Equal(
            [new(0, 0, Block), new(0, Block, Block), new(1, 0, Block), new(1, Block, Block), new BlockRequest(2, 0, 100)],
            picker.Pick(a, 10));
        Assert.Equal(1, picker.BlockCount(2));
        Assert.Equal(100, picker.PieceSize(2));
    }

    [Fact]
    public void End_game_duplicates_outstanding_blocks_and_names_the_requests_to_cancel()
    {
        var picker = Create(2, blocksPerPiece: 2);
        var a = picker.AddSeed(1);
        var b = picker.AddSeed(2);
        var c = picker.AddSeed(3);
        var fromA = picker.Pick(a, 10);
        Assert.Equal(4, fromA.Length);
        Assert.True(picker.IsEndGame);

        var fromB = picker.Pick(b, 10);
        Assert.Equal(fromA.Sorted(), fromB.Sorted()); // every block duplicated once
        Assert.Empty(picker.Pick(c, 10)); // at most two requests per block
        Assert.Empty(picker.Pick(a, 10)); // never twice to the same peer

        var receipt = picker.OnBlockReceived(b, fromA[0]);
        Assert.Equal(BlockStatus.Accepted, receipt.Status);
        Assert.Equal([a], receipt.Cancel.ToArray());
        Assert.Equal(3, picker.OutstandingRequests(a));
        Assert.Equal(3, picker.OutstandingRequests(b));

        var late = picker.OnBlockReceived(a, fromA[0]); // crossed the cancel
        Assert.Equal(BlockStatus.Duplicate, late.Status);
        Assert.True(late.Cancel.IsEmpty);
    }

    [Fact]
    public void A_hash_failure_frees_every_block_and_names_the_contributors()
    {
        var picker = Create(1, blocksPerPiece: 3);
        var a = picker.AddSeed(1);
        var b = picker.AddSeed(2);
        var c = picker.AddSeed(3);
        var fromA = picker.Pick(a, 2);
        var fromB = picker.Pick(b, 1);
        Assert.False(picker.OnBlockReceived(a, fromA[0]).PieceComplete);
        Assert.False(picker.OnBlockReceived(b, fromB[0]).PieceComplete);
        Assert.True(picker.OnBlockReceived(a, fromA[1]).PieceComplete);
        Assert.True(picker.IsPieceComplete(0));

        Assert.Equal([a, b], picker.OnPieceFailed(0).OrderBy(p => p.Value));
        Assert.False(picker.IsPieceComplete(0));
        var again = picker.Pick(c, 10);
        Assert.Equal(3, again.Length);
        picker.Complete(c, again);
        Assert.True(picker.HasPiece(0));
        Assert.True(picker.IsFinished);
    }

    [Fact]
    public void Rejected_timed_out_and_released_blocks_go_to_other_peers()
    {
        var picker = Create(2, blocksPerPiece: 4);
        var a = picker.AddPeer(1, 0);
        var b = picker.AddSeed(2);
        var blocks = picker.Pick(a, 4);
        Assert.False(picker.IsEndGame); // piece 1 is still to start

        Assert.True(picker.OnBlockFailed(a, blocks[1])); // reject
        Assert.False(picker.OnBlockFailed(a, blocks[1])); // not outstanding any more
        Assert.Equal(blocks[1], picker.Pick(b, 1)[0]);

        var released = new List<BlockRequest>();
        Assert.Equal(3, picker.ReleaseRequests(a, released)); // choke without the fast extension, or a snub
        Assert.Equal(3, released.Count);
        Assert.Equal(0, picker.OutstandingRequests(a));
        Assert.Equal(released.Sorted(), picker.Pick(b, 3).Sorted());
    }

    [Fact]
    public void Disconnect_and_donthave_release_the_peers_requests()
    {
        var picker = Create(3, blocksPerPiece: 2);
        var a = picker.AddPeer(1, 0, 1);
        var b = picker.AddPeer(2, 0, 1);
        picker.AddPeer(3, 2); // keeps the torrent out of end-game
        var fromA = picker.Pick(a, 4);
        Assert.Equal(4, fromA.Length);

        picker.OnDontHave(a, fromA[0].Index);
        Assert.Equal(2, picker.OutstandingRequests(a));
        var fromB = picker.Pick(b, 4);
        Assert.Equal([fromA[0].Index], fromB.Pieces());

        Assert.Equal(2, picker.RemovePeer(a));
        Assert.Equal(2, picker.Pick(b, 4).Length);
        Assert.Equal(1, picker.Availability(0));
    }

    [Fact]
    public void Unrequested_blocks_of_a_started_piece_are_kept_and_bad_ones_dropped()
    {
        var picker = Create(2, blocksPerPiece: 2);
        var a = picker.AddSeed(1);
        var b = picker.AddSeed(2);
        var fromA = picker.Pick(a, 1);
        int piece = fromA[0].Index;
        Assert.Equal(BlockStatus.Accepted, picker.OnBlockReceived(b, new BlockRequest(piece, Block, Block)).Status);
        Assert.Equal(BlockStatus.Unexpected, picker.OnBlockReceived(b, new BlockRequest(piece, 5, Block)).Status);
        Assert.Equal(BlockStatus.Unexpected, picker.OnBlockReceived(b, new BlockRequest(1 - piece, 0, Block)).Status);
        Assert.Equal(BlockStatus.Unexpected, picker.OnBlockReceived(b, new BlockRequest(piece, 0, 100)).Status);
        Assert.True(picker.OnBlockReceived(a, fromA[0]).PieceComplete);
    }

    [Fact]
    public void Verified_pieces_from_resume_data_are_not_requested()
    {
        var picker = Create(4);
        picker.OnPieceVerified(0);
        picker.OnPieceVerified(2);
        var a = picker.AddSeed(1);
        Assert.Equal([1, 3], picker.Pick(a, 10).Pieces().Order());
        Assert.Equal(2, picker.HaveCount);
        Assert.True(picker.IsInteresting(a));

        picker.OnPieceLost(2); // the data was found bad on disk
        var b = picker.AddSeed(2);
        Assert.Equal([2], picker.Pick(b, 1).Pieces());
    }
}
