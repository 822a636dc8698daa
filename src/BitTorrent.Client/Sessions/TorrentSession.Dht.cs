using Microsoft.Extensions.Logging;

namespace BitTorrent.Client;

public sealed partial class TorrentSession
{
    /// <summary>Seconds between DHT announces while the torrent has few peers, and once it has enough.</summary>
    private const int DhtAnnounceSeconds = 60, DhtAnnounceSecondsWhenBusy = 900;

    private long _nextDhtTick;
    private bool _dhtBusy;

    /// <summary>
    /// Announces our listen port on the DHT and dials the peers the lookup finds (public torrents only), once the torrent
    /// accepts peers: announcing while the files are still checked sends peers to a torrent that turns them away.
    /// </summary>
    private void MaybeAnnounceOnDht()
    {
        if (!AcceptsPeers || _ticks < _nextDhtTick || _dhtBusy || _engine.Dht is not { IsListening: true } dht || IsPrivate) return;
        _dhtBusy = true;
        _nextDhtTick = _ticks + (_peers.Count < _engine.Options.MaxConnectionsPerTorrent / 2 ? DhtAnnounceSeconds : DhtAnnounceSecondsWhenBusy);
        _ = Task.Run(async () =>
        {
            IReadOnlyList<System.Net.IPEndPoint> found = [];
            try
            {
                found = (await dht.AnnounceAsync(InfoHash, _engine.ListenPort, _stopping.Token).ConfigureAwait(false)).Peers;
            }
            catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or ObjectDisposedException)
            {
                _logger.LogDebug("{Torrent}: DHT announce failed: {Error}", Name, ex.Message);
            }
            _loop.Post(() =>
            {
                _dhtBusy = false;
                foreach (var peer in found) AddCandidate(peer, PeerSource.Dht);
            });
        });
    }
}
