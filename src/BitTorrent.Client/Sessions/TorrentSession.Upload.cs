using BitTorrent.Wire;

namespace BitTorrent.Client;

public sealed partial class TorrentSession
{
    private volatile bool[]? _servable;

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
        await storage.ReadAsync(request.Index, request.Begin, destination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A peer's interest changed: rechoke at once, so a free slot is not left idle until the next round.</summary>
    private void OnPeerInterest(Peer peer)
    {
        if (!peer.Admitted || peer.Gone) return;
        var wire = peer.Wire;
        if (wire.PeerInterested == wire.AmChoking) Rechoke();
    }

    /// <summary>
    /// Tit-for-tat by the <see cref="Choker"/>: regular slots for the interested peers that give us the most (leeching)
    /// or take the most (seeding), one optimistic unchoke rotated every 30 s; run every 10 s and on interest changes.
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
