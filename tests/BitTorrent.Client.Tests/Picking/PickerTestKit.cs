using BitTorrent.Client;
using BitTorrent.Wire;

namespace BitTorrent.Client.Tests.Picking;

/// <summary>Small builders shared by the picker tests.</summary>
internal static class PickerTestKit
{
    public const int Block = PiecePicker.BlockSize;

    public static PeerHandle P(int value) => new(value);

    /// <summary>A picker of <paramref name="pieces"/> pieces of <paramref name="blocksPerPiece"/> blocks each.</summary>
    public static PiecePicker Create(int pieces, int blocksPerPiece = 1, int seed = 1, int initialRandom = 0, int endGameRequests = 2) =>
        new(pieces, blocksPerPiece * Block, (long)pieces * blocksPerPiece * Block,
            new PiecePickerOptions { RandomSeed = seed, InitialRandomPieces = initialRandom, EndGameRequestsPerBlock = endGameRequests });

    public static BitField Field(int length, params int[] pieces)
    {
        var field = new BitField(length);
        foreach (int p in pieces) field.Set(p);
        return field;
    }

    /// <summary>Registers <paramref name="peer"/> with the given pieces (via a bitfield).</summary>
    public static PeerHandle AddPeer(this PiecePicker picker, int peer, params int[] pieces)
    {
        var handle = P(peer);
        picker.AddPeer(handle);
        picker.OnBitfield(handle, Field(picker.PieceCount, pieces));
        return handle;
    }

    /// <summary>Registers a seed (have-all).</summary>
    public static PeerHandle AddSeed(this PiecePicker picker, int peer)
    {
        var handle = P(peer);
        picker.AddPeer(handle);
        picker.OnHaveAll(handle);
        return handle;
    }

    public static BlockRequest[] Pick(this PiecePicker picker, PeerHandle peer, int count, bool choked = false, IReadOnlyCollection<int>? allowedFast = null)
    {
        var buffer = new BlockRequest[count];
        int n = picker.PickBlocks(peer, choked, allowedFast, buffer);
        return buffer[..n];
    }

    public static int[] Pieces(this BlockRequest[] blocks) => [.. blocks.Select(b => b.Index).Distinct()];

    /// <summary>Receives every block of <paramref name="blocks"/> from <paramref name="peer"/> and verifies each completed piece.</summary>
    public static void Complete(this PiecePicker picker, PeerHandle peer, IEnumerable<BlockRequest> blocks)
    {
        foreach (var block in blocks)
        {
            var receipt = picker.OnBlockReceived(peer, block);
            Assert.Equal(BlockStatus.Accepted, receipt.Status);
            if (receipt.PieceComplete) picker.OnPieceVerified(block.Index);
        }
    }

    public static BlockRequest[] Sorted(this IEnumerable<BlockRequest> blocks) => [.. blocks.OrderBy(b => b.Index).ThenBy(b => b.Begin)];

    public static PeerHandle[] Sorted(this IEnumerable<PeerHandle> peers) => [.. peers.OrderBy(p => p.Value)];

    public static int[] All(int count) => [.. Enumerable.Range(0, count)];
}
