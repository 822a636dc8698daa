using BitTorrent.Wire;

namespace BitTorrent.Client;

public sealed partial class PiecePicker
{
    /// <summary>Registers a connected peer (with no pieces yet).</summary>
    /// <exception cref="ArgumentException">The handle is registered already.</exception>
    public void AddPeer(PeerHandle peer)
    {
        if (!_peers.TryAdd(peer, new PickerPeer(PieceCount))) throw new ArgumentException($"peer {peer.Value} is registered already", nameof(peer));
    }

    /// <summary>
    /// Forgets a disconnected peer: its pieces leave the availability counts and its outstanding requests become free
    /// blocks again. Returns the number of requests released. Unknown handles are ignored.
    /// </summary>
    public int RemovePeer(PeerHandle peer)
    {
        if (!_peers.TryGetValue(peer, out var state)) return 0;
        int released = ReleaseRequests(peer);
        ForgetPieces(state);
        _peers.Remove(peer);
        return released;
    }

    /// <summary>The peer's bitfield message: replaces what it had with <paramref name="pieces"/> (a have-all field counts as a seed).</summary>
    public void OnBitfield(PeerHandle peer, BitField pieces)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        var state = Peer(peer);
        ForgetPieces(state);
        int n = pieces.HasAll ? PieceCount : Math.Min(pieces.Length, PieceCount); // a have-all field may not know its length
        for (int p = 0; p < n; p++)
        {
            if (pieces.Get(p) && state.Add(p)) IncrementAvailability(p);
        }
        if (state.PieceCountHeld == PieceCount && PieceCount > 0) OnHaveAll(peer);
    }

    /// <summary>The peer's have message.</summary>
    public void OnHave(PeerHandle peer, int piece)
    {
        CheckPiece(piece);
        var state = Peer(peer);
        if (!state.Add(piece)) return;
        IncrementAvailability(piece);
        if (state.PieceCountHeld == PieceCount) OnHaveAll(peer);
    }

    /// <summary>The peer's have-all message (BEP 6): counted as a seed in O(1).</summary>
    public void OnHaveAll(PeerHandle peer)
    {
        var state = Peer(peer);
        if (state.IsSeed) return;
        ForgetPieces(state);
        state.BecomeSeed();
        _seeds++;
    }

    /// <summary>The peer's have-none message (BEP 6).</summary>
    public void OnHaveNone(PeerHandle peer) => ForgetPieces(Peer(peer));

    /// <summary>The peer's lt_donthave (BEP 54): the piece leaves its set and its requests of that piece become free.</summary>
    public void OnDontHave(PeerHandle peer, int piece)
    {
        CheckPiece(piece);
        var state = Peer(peer);
        if (!state.Has(piece)) return;
        if (state.IsSeed)
        {
            // The seed becomes explicit bits: every piece but this one.
            _seeds--;
            for (int p = 0; p < PieceCount; p++) if (p != piece) IncrementAvailability(p);
        }
        else DecrementAvailability(piece);
        state.Remove(piece);
        ReleasePieceRequests(peer, piece);
    }

    /// <summary>The peer's suggest message (BEP 6): the piece is preferred for this peer while we want it.</summary>
    public void OnSuggest(PeerHandle peer, int piece)
    {
        CheckPiece(piece);
        Peer(peer).Suggest(piece);
    }

    /// <summary>True when the peer has a piece we want (wanted, not verified and not complete); O(pieces) at worst.</summary>
    public bool IsInteresting(PeerHandle peer)
    {
        var state = Peer(peer);
        if (state.IsSeed) return _wantedMissing > 0;
        if (state.PieceCountHeld == 0) return false;
        for (int i = 0; i < _order.Count; i++) if (state.Has(_order[i])) return true;
        foreach (var d in _downloading.Values) if (!d.IsComplete && _priority[d.Index] != 0 && state.Has(d.Index)) return true;
        return false;
    }

    /// <summary>True when the peer has piece <paramref name="piece"/> (as far as its messages told).</summary>
    public bool PeerHasPiece(PeerHandle peer, int piece)
    {
        CheckPiece(piece);
        return Peer(peer).Has(piece);
    }

    /// <summary>The number of blocks requested from the peer and not yet received, failed or released.</summary>
    public int OutstandingRequests(PeerHandle peer) => Peer(peer).Outstanding.Count;

    private void ForgetPieces(PickerPeer state)
    {
        if (state.IsSeed) _seeds--;
        else if (state.PieceCountHeld > 0)
        {
            for (int p = 0; p < PieceCount; p++) if (state.Has(p)) DecrementAvailability(p);
        }
        state.Clear();
    }

    private void IncrementAvailability(int piece)
    {
        int before = _availability[piece]++;
        if (before < PieceOrder.AvailabilityLevels - 1 && _order.Contains(piece))
            _order.Increment(piece, PieceOrder.Key(_priority[piece], before));
    }

    private void DecrementAvailability(int piece)
    {
        int before = _availability[piece]--;
        if (before < PieceOrder.AvailabilityLevels && _order.Contains(piece))
            _order.Decrement(piece, PieceOrder.Key(_priority[piece], before));
    }

    private PickerPeer Peer(PeerHandle peer) =>
        _peers.TryGetValue(peer, out var state) ? state : throw new ArgumentException($"peer {peer.Value} is not registered", nameof(peer));
}
