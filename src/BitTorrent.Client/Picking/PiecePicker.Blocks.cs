using System.Runtime.InteropServices;
using BitTorrent.Wire;

namespace BitTorrent.Client;

public sealed partial class PiecePicker
{
    private readonly List<BlockRequest> _scratch = [];
    private readonly List<PeerHandle> _requesters = [];

    /// <summary>
    /// A block arrived from <paramref name="peer"/>. Accepted when the block was missing (whether or not it was
    /// requested from this peer); the receipt names the other peers it was requested from (end-game), to cancel.
    /// </summary>
    public BlockReceipt OnBlockReceived(PeerHandle peer, BlockRequest block)
    {
        var state = Peer(peer);
        state.Outstanding.Remove(block);
        _cancel.Clear();
        if (!TryLocate(block, out var d, out int b)) return new BlockReceipt(BlockStatus.Unexpected, false, default);
        if (d.State(b) == BlockState.Received) return new BlockReceipt(BlockStatus.Duplicate, false, default);
        d.Receive(b, peer, _cancel);
        foreach (var other in _cancel) if (_peers.TryGetValue(other, out var o)) o.Outstanding.Remove(block);
        if (d.FreeCount == 0) RemoveOpen(d);
        return new BlockReceipt(BlockStatus.Accepted, d.IsComplete, CollectionsMarshal.AsSpan(_cancel));
    }

    /// <summary>
    /// A request to <paramref name="peer"/> failed (rejected, timed out, or dropped by a choke): the block is free again
    /// unless another peer has it outstanding. Returns true when the peer had the block outstanding.
    /// </summary>
    public bool OnBlockFailed(PeerHandle peer, BlockRequest block)
    {
        if (!Peer(peer).Outstanding.Remove(block)) return false;
        if (TryLocate(block, out var d, out int b) && d.Release(b, peer)) AddOpen(d);
        return true;
    }

    /// <summary>
    /// Releases every request outstanding with <paramref name="peer"/> (a choke without the fast extension, a snub,
    /// a disconnect): the blocks become free for other peers. Returns the number released; when
    /// <paramref name="released"/> is given, the released blocks are added to it (to send cancels, for a snub).
    /// </summary>
    public int ReleaseRequests(PeerHandle peer, List<BlockRequest>? released = null)
    {
        var state = Peer(peer);
        int n = state.Outstanding.Count;
        foreach (var block in state.Outstanding)
        {
            if (TryLocate(block, out var d, out int b) && d.Release(b, peer)) AddOpen(d);
            released?.Add(block);
        }
        state.Outstanding.Clear();
        return n;
    }

    /// <summary>
    /// The hash check of a complete piece failed: every block is free again and the piece is a candidate again.
    /// Returns the distinct peers that sent its blocks (the engine counts them towards a ban).
    /// </summary>
    /// <exception cref="InvalidOperationException">The piece is not complete.</exception>
    public PeerHandle[] OnPieceFailed(int piece)
    {
        CheckPiece(piece);
        if (!_downloading.TryGetValue(piece, out var d) || !d.IsComplete) throw new InvalidOperationException($"piece {piece} is not complete");
        var contributors = d.Contributors();
        _downloading.Remove(piece);
        Recycle(d);
        if (IsCandidate(piece)) _order.Add(piece, KeyOf(piece));
        return contributors;
    }

    private void ReleasePieceRequests(PeerHandle peer, int piece)
    {
        var state = Peer(peer);
        _scratch.Clear();
        foreach (var block in state.Outstanding) if (block.Index == piece) _scratch.Add(block);
        foreach (var block in _scratch) OnBlockFailed(peer, block);
    }

    private bool TryLocate(BlockRequest block, out DownloadingPiece piece, out int index)
    {
        index = 0;
        if (!_downloading.TryGetValue(block.Index, out piece!)) return false;
        if (block.Begin < 0 || block.Begin % BlockSize != 0) return false;
        index = block.Begin / BlockSize;
        return index < piece.BlockCount && block.Length == Math.Min(BlockSize, PieceSize(block.Index) - block.Begin);
    }

    /// <summary>Drops a downloading piece's outstanding requests from its peers and returns it to the pool.</summary>
    private void Recycle(DownloadingPiece d)
    {
        for (int b = 0; b < d.BlockCount; b++)
        {
            if (d.State(b) != BlockState.Requested) continue;
            var block = Block(d.Index, b);
            d.Requesters(b, _requesters);
            foreach (var peer in _requesters) if (_peers.TryGetValue(peer, out var state)) state.Outstanding.Remove(block);
        }
        RemoveOpen(d);
        _pool.Push(d);
    }
}
