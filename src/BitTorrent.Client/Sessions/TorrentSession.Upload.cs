using BitTorrent.Wire;

namespace BitTorrent.Client;

public sealed partial class TorrentSession
{
    /// <summary>Regular upload slots (libtorrent's default unchoke_slots_limit), besides the optimistic one.</summary>
    private const int UploadSlots = 8;

    private volatile bool[]? _servable;
    private Peer? _optimistic;

    /// <summary>
    /// Answers a peer's request from storage (on the wire's thread, not the loop): only verified pieces are served,
    /// anything else is refused (a reject with Fast). The wire admits requests only while we unchoke the peer.
    /// </summary>
    private async ValueTask<ReadOnlyMemory<byte>> ServeAsync(BlockRequest request, CancellationToken cancellationToken)
    {
        var servable = _servable;
        var storage = _storage;
        var info = _info;
        if (servable is null || storage is null || info is null || (uint)request.Index >= (uint)servable.Length || !servable[request.Index]
            || request.Begin + (long)request.Length > info.GetPieceSize(request.Index))
        {
            throw new InvalidOperationException($"piece {request.Index} is not served");
        }
        var block = new byte[request.Length];
        await storage.ReadAsync(request.Index, request.Begin, block, cancellationToken).ConfigureAwait(false);
        return block;
    }

    /// <summary>An interested peer gets a free upload slot at once; an uninterested one gives its slot back.</summary>
    private void OnPeerInterest(Peer peer)
    {
        if (!peer.Admitted || peer.Gone) return;
        var wire = peer.Wire;
        if (wire.PeerInterested && wire.AmChoking && _servable is not null && CountUnchoked() < UploadSlots) wire.Unchoke();
        else if (!wire.PeerInterested && !wire.AmChoking) wire.Choke();
    }

    private int CountUnchoked() => _peers.Count(p => !p.Wire.AmChoking && p != _optimistic);

    /// <summary>
    /// Tit-for-tat every 10 s: the <see cref="UploadSlots"/> interested peers that gave us the most (leeching) or took
    /// the most (seeding) in the last seconds are unchoked, the rest choked; one more, the optimistic unchoke, is a
    /// random choked interested peer, rotated every 30 s.
    /// </summary>
    private void Rechoke(bool optimisticRotation)
    {
        if (_servable is null) return;
        bool seeding = _state == TorrentState.Seeding;
        var ranked = _peers.Where(p => p.Wire.PeerInterested)
            .OrderByDescending(p => seeding ? p.Wire.UploadSpeed : p.Wire.DownloadSpeed)
            .ToList();
        var regular = ranked.Take(UploadSlots).ToHashSet();
        if (optimisticRotation || _optimistic is null || _optimistic.Gone || !_optimistic.Wire.PeerInterested)
        {
            var choked = ranked.Where(p => !regular.Contains(p)).ToList();
            _optimistic = choked.Count == 0 ? null : choked[Random.Shared.Next(choked.Count)];
        }
        foreach (var peer in _peers)
        {
            bool unchoke = regular.Contains(peer) || peer == _optimistic;
            if (unchoke && peer.Wire.AmChoking) peer.Wire.Unchoke();
            else if (!unchoke && !peer.Wire.AmChoking) peer.Wire.Choke();
        }
    }
}
