using BitTorrent.Storage;
using BitTorrent.Wire;

namespace BitTorrent.Client;

public sealed partial class TorrentSession
{
    private volatile bool[]? _servable;
    private int _lookingForLostFiles;

    /// <summary>
    /// Answers a peer's request from storage into the wire's pooled buffer (on the wire's thread, not the loop): only
    /// verified pieces are served, anything else is refused (a reject with Fast). The wire admits requests only while
    /// we unchoke the peer. The block's bytes are taken from the engine's upload limit first.
    /// </summary>
    private async ValueTask ServeAsync(BlockRequest request, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var servable = _servable;
        var storage = _storage;
        var info = _info;
        if (servable is null || storage is null || info is null || (uint)request.Index >= (uint)servable.Length || !servable[request.Index]
            || request.Begin + (long)request.Length > info.GetPieceSize(request.Index))
        {
            throw new InvalidOperationException($"piece {request.Index} is not served");
        }
        await _engine.UploadLimiter.WaitAsync(request.Length, cancellationToken).ConfigureAwait(false);
        try
        {
            await storage.ReadAsync(request.Index, request.Begin, destination, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException ex) when (ex.Error is StorageError.FileMissing or StorageError.FileTruncated)
        {
            // A file was truncated under us: find every piece that went with it.
            LookForLostFiles(ex);
            throw;
        }
    }

    /// <summary>
    /// Looks at the files (one stat each, off the loop) for any deleted or truncated under us, after a failed read
    /// (<paramref name="cause"/>) or every <see cref="TorrentOptions.MissingFileCheckInterval"/>; one look at a time.
    /// </summary>
    private void LookForLostFiles(StorageException? cause)
    {
        if (_storage is not { } storage || _servable is null || Interlocked.Exchange(ref _lookingForLostFiles, 1) != 0) return;
        _ = Task.Run(() =>
        {
            try
            {
                var lost = storage.FindLostPieces();
                _loop.Post(() => OnPiecesLost(lost, cause));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                _loop.Post(() => Fail($"looking at the files failed: {ex.Message}", ex));
            }
            finally
            {
                Volatile.Write(ref _lookingForLostFiles, 0);
            }
        });
    }

    /// <summary>
    /// On the loop: verified pieces whose data is gone are no longer served, every peer that speaks lt_donthave is told
    /// (BEP 54) before the torrent fails with the reason, as libtorrent reports a file error.
    /// </summary>
    private void OnPiecesLost(BitField lost, StorageException? cause)
    {
        if (_servable is not { } servable || _state is TorrentState.Stopped or TorrentState.Error) return;
        var kept = (bool[])servable.Clone();
        var pieces = new List<int>();
        for (int piece = 0; piece < kept.Length; piece++)
        {
            if (!lost[piece] || !kept[piece]) continue;
            kept[piece] = false;
            pieces.Add(piece);
        }
        _servable = kept;
        foreach (var peer in _peers)
            if (peer.DontHave is { } dontHave)
                foreach (int piece in pieces) dontHave.DontHave(piece);
        if (pieces.Count == 0) return;
        Fail($"{pieces.Count} verified pieces lost, no longer served: {cause?.Message ?? "a file was deleted or truncated"}", cause);
    }

    /// <summary>A peer's interest changed: rechoke at once, so a free slot is not left idle until the next round.</summary>
    private void OnPeerInterest(Peer peer)
    {
        if (!peer.Admitted || peer.Gone) return;
        var wire = peer.Wire;
        if (wire.PeerInterested != wire.AmChoking) return;
        // A free slot is given at once. Otherwise the change waits for the next tick (at most a second): a full rechoke on
        // every interest change re-ranked all peers on momentary rates, and a simulated swarm of nine saw about 1,450
        // chokes in 14 s, each cancelling requests in flight.
        if (wire.PeerInterested && _choker.HasFreeSlot) Rechoke();
        else _rechokeOnTick = true;
    }

    /// <summary>
    /// Tit-for-tat by the <see cref="Choker"/>: regular slots for the interested peers that give us the most (leeching)
    /// or take the most (seeding), one optimistic unchoke rotated every 30 s; run every 10 s, at once for a newly
    /// interested peer when a slot is free, and otherwise on the next tick after an interest change.
    /// </summary>
    private void Rechoke()
    {
        if (_servable is null) return;
        var candidates = new ChokeCandidate[_peers.Count];
        for (int i = 0; i < _peers.Count; i++)
        {
            var p = _peers[i];
            candidates[i] = new ChokeCandidate(HandleOf(p), p.Wire.PeerInterested, p.Wire.DownloadSpeed, p.Wire.UploadSpeed, p.ConnectedAt);
        }
        var unchoke = new List<PeerHandle>();
        var choke = new List<PeerHandle>();
        _choker.Rechoke(_time.GetTimestamp(), _state == TorrentState.Seeding, candidates, unchoke, choke);
        foreach (var handle in choke)
            if (_byHandle.TryGetValue(handle, out var peer) && !peer.Wire.AmChoking) peer.Wire.Choke();
        foreach (var handle in unchoke)
            if (_byHandle.TryGetValue(handle, out var peer) && peer.Wire.AmChoking) peer.Wire.Unchoke();
    }
}
