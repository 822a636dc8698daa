using BitTorrent.Metainfo;
using Microsoft.Extensions.Logging;

namespace BitTorrent.Client;

public sealed partial class TorrentSession
{
    /// <summary>Peers asked for the metadata at once (each fetch holds at most the advertised size).</summary>
    private const int ParallelMetadataFetches = 2;

    /// <summary>Asks peers that advertise <c>metadata_size</c> for the info dictionary until one delivers it.</summary>
    private void FetchMetadata()
    {
        if (_info is not null || _state != TorrentState.FetchingMetadata) return;
        int fetching = _peers.Count(p => p.Metadata?.IsFetching == true);
        foreach (var peer in _peers)
        {
            if (fetching >= ParallelMetadataFetches) return;
            if (peer.Metadata is not { IsFetching: false, PeerMetadataSize: not null } metadata) continue;
            metadata.Fetch();
            if (metadata.IsFetching) fetching++;
        }
    }

    /// <summary>A peer delivered the info dictionary (its SHA-1 already matched the info hash): parse it and start downloading.</summary>
    private void OnMetadata(byte[] raw)
    {
        if (_info is not null || _state != TorrentState.FetchingMetadata) return;
        TorrentInfo info;
        try
        {
            info = TorrentInfo.Parse(raw);
        }
        catch (MetainfoException ex)
        {
            Fail($"the torrent's metadata is invalid: {ex.Message}", ex);
            return;
        }
        if (info.InfoHash != InfoHash)
        {
            _logger.LogWarning("{Torrent}: metadata with the wrong info hash ignored", Name);
            return;
        }
        _info = info;
        Name = info.Name;
        _engine.Alerts.Post(new MetadataReceivedAlert(InfoHash, _engine.Alerts.Now, info.Name, info.PieceCount));
        _logger.LogInformation("{Torrent}: metadata received ({Pieces} pieces)", Name, info.PieceCount);
        foreach (var peer in _peers)
        {
            peer.Metadata?.SetMetadata(info.RawInfo);
            peer.Pieces.SetLength(info.PieceCount);
        }
        BeginCheck(info);
    }
}
