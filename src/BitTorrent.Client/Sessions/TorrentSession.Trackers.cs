using BitTorrent.Trackers;
using Microsoft.Extensions.Logging;

namespace BitTorrent.Client;

public sealed partial class TorrentSession
{
    /// <summary>The <c>left</c> announced before the torrent's size is known (a magnet without metadata): not zero, which
    /// would make us a seed to the tracker (and a tracker gives a seed no seeds).</summary>
    private const long UnknownLeft = 16 * 1024;

    private readonly TrackerTiers? _trackerTiers;
    private volatile TrackerManager? _trackers;
    private volatile bool _wantedKnown;

    /// <summary>Every tracker's latest status, tier by tier (empty when the torrent has none, does not announce, or has not
    /// started announcing yet: that happens once its files are checked, or at once for a magnet link).</summary>
    public IReadOnlyList<TrackerStatus> Trackers => _trackers?.Statuses ?? [];

    /// <summary>The torrent's tiers, then each of <see cref="TorrentOptions.Trackers"/> as a tier of its own; null when none
    /// is usable or announcing is off.</summary>
    private static TrackerTiers? CreateTrackerTiers(IReadOnlyList<IReadOnlyList<Uri>> tiers, TorrentOptions options)
    {
        if (!options.AnnounceToTrackers) return null;
        var all = new TrackerTiers([.. tiers, .. options.Trackers.Select(uri => new[] { uri })]);
        return all.Count == 0 ? null : all;
    }

    /// <summary>Starts announcing (<c>started</c> now, then on the trackers' interval) on the manager's own task; the loop
    /// only receives the peers. Once per torrent, and not while it stops.</summary>
    private void StartTrackers()
    {
        if (_trackers is not null || _trackerTiers is null || Volatile.Read(ref _stopRequested) != 0 || _engine.ListenPort == 0) return;
        var manager = new TrackerManager(_engine.TrackerClient, _trackerTiers, InfoHash, _engine.PeerId, _engine.ListenPort, TrackerStats);
        manager.PeersReceived += (_, e) =>
        {
            var peers = e.Peers;
            _loop.Post(() =>
            {
                foreach (var peer in peers) AddCandidate(peer.EndPoint, PeerSource.Tracker);
            });
        };
        manager.StatusChanged += (_, e) => OnTrackerStatus(e.Status);
        _trackers = manager;
        manager.Start();
    }

    /// <summary>Raised on the manager's task: an alert per announce (posting one never blocks).</summary>
    private void OnTrackerStatus(TrackerStatus status)
    {
        if (status.LastError is { } error)
        {
            _logger.LogInformation("{Torrent}: announce to {Tracker} failed: {Error}", Name, status.Uri, error.Message);
            _engine.Alerts.Post(new TrackerErrorAlert(InfoHash, _engine.Alerts.Now, status.Uri, error.Error, error.Detail));
            return;
        }
        _logger.LogDebug("{Torrent}: {Tracker} listed {Count} peers", Name, status.Uri, status.LastPeerCount);
        _engine.Alerts.Post(new TrackerReplyAlert(InfoHash, _engine.Alerts.Now, status.Uri, status.LastPeerCount,
            status.Interval ?? TimeSpan.Zero, status.WarningMessage));
    }

    /// <summary>The totals announced; called on the manager's task, so it reads only thread-safe fields.</summary>
    private TransferStats TrackerStats()
    {
        long left = !_wantedKnown ? _info?.TotalLength ?? UnknownLeft : Math.Max(0, Interlocked.Read(ref _wantedBytes) - BytesVerified);
        return new TransferStats(Uploaded, Downloaded, left);
    }

    /// <summary>Announces <c>stopped</c> to every tracker that was started, bounded by <see cref="EngineOptions.TrackerStopTimeout"/>.</summary>
    private async Task StopTrackersAsync()
    {
        if (_trackers is not { } manager) return;
        using var timeout = new CancellationTokenSource(_engine.Options.TrackerStopTimeout, _time);
        try
        {
            await manager.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _logger.LogDebug("{Torrent}: the trackers did not answer the stopped announce in time", Name);
        }
        await manager.DisposeAsync().ConfigureAwait(false);
    }
}
