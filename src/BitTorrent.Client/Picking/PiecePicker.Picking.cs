using BitTorrent.Wire;

namespace BitTorrent.Client;

public sealed partial class PiecePicker
{
    /// <summary>
    /// True when every block of every wanted piece that some connected peer has is requested (or received): from then
    /// on <see cref="PickBlocks"/> duplicates outstanding requests to other peers, and a received block names the
    /// requests to cancel.
    /// </summary>
    public bool IsEndGame
    {
        get
        {
            if (_downloading.Count == 0) return false;
            foreach (var d in _open) if (_priority[d.Index] != 0 && _availability[d.Index] + _seeds > 0) return false;
            for (int t = 0; t < PieceOrder.Tiers; t++)
            {
                int from = PieceOrder.Key(PieceOrder.Tiers - t, _seeds > 0 ? 0 : 1);
                if (_order.BucketStart(PieceOrder.Key(PieceOrder.Tiers - t, PieceOrder.AvailabilityLevels - 1) + 1) > _order.BucketStart(from)) return false;
            }
            return true;
        }
    }

    /// <summary>
    /// Picks up to <c>destination.Length</c> blocks to request from <paramref name="peer"/> and records them as
    /// requested from it. Order: partial pieces this peer worked on, other partial pieces, its suggestions, then new
    /// pieces (random until <see cref="PiecePickerOptions.InitialRandomPieces"/> are verified, then rarest first, or in
    /// index order when <see cref="Sequential"/>); in end-game, duplicates of blocks outstanding with other peers.
    /// While the peer chokes us only its allowed-fast pieces are picked.
    /// </summary>
    /// <param name="peer">The peer to request from.</param>
    /// <param name="peerChoking">True while the peer chokes us.</param>
    /// <param name="allowedFast">The peer's allowed-fast pieces (BEP 6), used while it chokes us; null for none.</param>
    /// <param name="destination">Receives the blocks; its length is how many more requests the peer's queue takes.</param>
    /// <returns>The number of blocks written.</returns>
    public int PickBlocks(PeerHandle peer, bool peerChoking, IReadOnlyCollection<int>? allowedFast, Span<BlockRequest> destination)
    {
        var state = Peer(peer);
        if (destination.IsEmpty || _wantedMissing == 0) return 0;
        if (peerChoking)
        {
            int fast = 0;
            if (allowedFast is null) return 0;
            foreach (int piece in allowedFast)
            {
                if ((uint)piece < (uint)PieceCount && state.Has(piece)) fast += TakeFromPiece(piece, peer, state, destination[fast..]);
                if (fast == destination.Length) break;
            }
            return fast;
        }
        int n = PickOpen(peer, state, destination, ownOnly: true);
        if (n < destination.Length) n += PickOpen(peer, state, destination[n..], ownOnly: false);
        if (n < destination.Length) n += PickSuggested(peer, state, destination[n..]);
        if (n < destination.Length)
        {
            if (Sequential) n += PickSequential(peer, state, destination[n..]);
            else if (HaveCount < _options.InitialRandomPieces) n += PickRandom(peer, state, destination[n..]);
            else n += PickRarest(peer, state, destination[n..]);
        }
        if (n < destination.Length && IsEndGame) n += PickEndGame(peer, state, destination[n..]);
        return n;
    }

    private int PickOpen(PeerHandle peer, PickerPeer state, Span<BlockRequest> destination, bool ownOnly)
    {
        int n = 0;
        // Backwards: taking the last free block swap-removes a piece from _open, moving an already visited one here.
        for (int i = _open.Count - 1; i >= 0 && n < destination.Length; i--)
        {
            if (i >= _open.Count) continue;
            var d = _open[i];
            if (ownOnly != (d.LastPeer == peer) || _priority[d.Index] == 0 || !state.Has(d.Index)) continue;
            n += TakeBlocks(d, peer, state, destination[n..]);
        }
        return n;
    }

    private int PickSuggested(PeerHandle peer, PickerPeer state, Span<BlockRequest> destination)
    {
        int n = 0;
        var suggested = state.Suggested;
        for (int i = suggested.Count - 1; i >= 0 && n < destination.Length; i--)
        {
            int piece = suggested[i];
            if (_order.Contains(piece) && state.Has(piece)) n += StartAndTake(piece, peer, state, destination[n..]);
            if (!_order.Contains(piece)) suggested.RemoveAt(i); // started, or not wanted any more
        }
        return n;
    }

    private int PickSequential(PeerHandle peer, PickerPeer state, Span<BlockRequest> destination)
    {
        while (_sequentialCursor < PieceCount && (_have[_sequentialCursor] || _priority[_sequentialCursor] == 0)) _sequentialCursor++;
        int n = 0;
        for (int p = _sequentialCursor; p < PieceCount && n < destination.Length; p++)
        {
            if (_order.Contains(p) && state.Has(p)) n += StartAndTake(p, peer, state, destination[n..]);
        }
        return n;
    }

    /// <summary>A random piece the peer has, from the highest priority it can serve: priorities order even the first pieces.</summary>
    private int PickRandom(PeerHandle peer, PickerPeer state, Span<BlockRequest> destination)
    {
        int n = 0;
        for (int priority = MaxPriority; priority >= 1 && n < destination.Length; priority--)
        {
            while (n < destination.Length)
            {
                int from = _order.BucketStart(PieceOrder.Key(priority, 0));
                int count = _order.BucketStart(PieceOrder.Key(priority, PieceOrder.AvailabilityLevels - 1) + 1) - from;
                if (count == 0) break;
                int start = _random.Next(count), found = -1;
                for (int i = 0; i < count && found < 0; i++)
                {
                    int piece = _order[from + (start + i) % count];
                    if (state.Has(piece)) found = piece;
                }
                if (found < 0) break;
                n += StartAndTake(found, peer, state, destination[n..]); // the piece leaves the candidates
            }
        }
        return n;
    }

    private int PickRarest(PeerHandle peer, PickerPeer state, Span<BlockRequest> destination)
    {
        int n = 0;
        for (int priority = MaxPriority; priority >= 1 && n < destination.Length; priority--)
        {
            // A peer that is not a seed counts itself in the availability of its pieces: skip the unavailable bucket.
            int pos = _order.BucketStart(PieceOrder.Key(priority, state.IsSeed ? 0 : 1));
            int endKey = PieceOrder.Key(priority, PieceOrder.AvailabilityLevels - 1) + 1;
            while (n < destination.Length && pos < _order.BucketStart(endKey))
            {
                int piece = _order[pos];
                if (state.Has(piece)) n += StartAndTake(piece, peer, state, destination[n..]); // another piece moves to pos
                else pos++;
            }
        }
        return n;
    }

    private int PickEndGame(PeerHandle peer, PickerPeer state, Span<BlockRequest> destination)
    {
        int n = 0;
        // First blocks outstanding with one peer only, then those with fewer than the cap.
        for (int round = 1; round < _options.EndGameRequestsPerBlock && n < destination.Length; round++)
        {
            foreach (var d in _downloading.Values)
            {
                if (d.IsComplete || _priority[d.Index] == 0 || !state.Has(d.Index)) continue;
                for (int b = 0; b < d.BlockCount && n < destination.Length; b++)
                {
                    if (d.State(b) != BlockState.Requested || d.RequestCount(b) != round || d.IsRequestedFrom(b, peer)) continue;
                    d.Duplicate(b, peer);
                    var block = Block(d.Index, b);
                    state.Outstanding.Add(block);
                    destination[n++] = block;
                }
                if (n == destination.Length) break;
            }
        }
        return n;
    }

    private int TakeFromPiece(int piece, PeerHandle peer, PickerPeer state, Span<BlockRequest> destination)
    {
        if (_order.Contains(piece)) return StartAndTake(piece, peer, state, destination);
        if (_priority[piece] != 0 && _downloading.TryGetValue(piece, out var d) && d.FreeCount > 0) return TakeBlocks(d, peer, state, destination);
        return 0;
    }

    private int StartAndTake(int piece, PeerHandle peer, PickerPeer state, Span<BlockRequest> destination)
    {
        _order.Remove(piece, KeyOf(piece));
        var d = _pool.Count > 0 ? _pool.Pop() : new DownloadingPiece((PieceLength + BlockSize - 1) / BlockSize);
        d.Reset(piece, BlockCount(piece));
        _downloading.Add(piece, d);
        AddOpen(d);
        return TakeBlocks(d, peer, state, destination);
    }

    private int TakeBlocks(DownloadingPiece d, PeerHandle peer, PickerPeer state, Span<BlockRequest> destination)
    {
        int n = 0;
        for (int b = 0; b < d.BlockCount && n < destination.Length && d.FreeCount > 0; b++)
        {
            if (d.State(b) != BlockState.Free) continue;
            d.Request(b, peer);
            var block = Block(d.Index, b);
            state.Outstanding.Add(block);
            destination[n++] = block;
        }
        if (d.FreeCount == 0) RemoveOpen(d);
        return n;
    }

    private BlockRequest Block(int piece, int block)
    {
        int begin = block * BlockSize;
        return new BlockRequest(piece, begin, Math.Min(BlockSize, PieceSize(piece) - begin));
    }

    private void AddOpen(DownloadingPiece d)
    {
        if (d.OpenSlot >= 0) return;
        d.OpenSlot = _open.Count;
        _open.Add(d);
    }

    private void RemoveOpen(DownloadingPiece d)
    {
        int slot = d.OpenSlot;
        if (slot < 0) return;
        var last = _open[^1];
        _open[slot] = last;
        last.OpenSlot = slot;
        _open.RemoveAt(_open.Count - 1);
        d.OpenSlot = -1;
    }
}
