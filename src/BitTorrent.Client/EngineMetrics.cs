using System.Diagnostics.Metrics;

namespace BitTorrent.Client;

/// <summary>The engine's <see cref="System.Diagnostics.Metrics"/> instruments, under the meter <see cref="MeterName"/>.</summary>
internal sealed class EngineMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "BitTorrent.Client";

    private readonly Meter _meter = new(MeterName);

    public EngineMetrics()
    {
        BytesDownloaded = _meter.CreateCounter<long>("bittorrent.client.downloaded", "By", "Piece payload bytes received");
        BytesUploaded = _meter.CreateCounter<long>("bittorrent.client.uploaded", "By", "Piece payload bytes sent");
        PiecesVerified = _meter.CreateCounter<long>("bittorrent.client.pieces_verified", "{piece}", "Pieces that passed the hash check");
        HashFailures = _meter.CreateCounter<long>("bittorrent.client.hash_failures", "{piece}", "Pieces that failed the hash check");
        PeersConnected = _meter.CreateCounter<long>("bittorrent.client.peers_connected", "{peer}", "Peer connections that joined a torrent");
        PeersDisconnected = _meter.CreateCounter<long>("bittorrent.client.peers_disconnected", "{peer}", "Peer connections that closed");
    }

    /// <summary>Piece payload bytes received.</summary>
    public Counter<long> BytesDownloaded { get; }

    /// <summary>Piece payload bytes sent.</summary>
    public Counter<long> BytesUploaded { get; }

    /// <summary>Pieces verified.</summary>
    public Counter<long> PiecesVerified { get; }

    /// <summary>Pieces failing the hash check.</summary>
    public Counter<long> HashFailures { get; }

    /// <summary>Peers joining a torrent.</summary>
    public Counter<long> PeersConnected { get; }

    /// <summary>Peers leaving a torrent.</summary>
    public Counter<long> PeersDisconnected { get; }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
