using BitTorrent.Client;

namespace BitTorrent.Cli.Output;

/// <summary>
/// Turns one engine's alerts into <see cref="CliEvent"/>s and samples each torrent once a second into a
/// <see cref="ProgressEvent"/>. The alert reader and the sampler run on their own tasks; the reporter serialises output.
/// </summary>
internal sealed class TorrentWatcher(ClientEngine engine, Reporter reporter, TimeProvider time)
{
    private readonly Dictionary<InfoHash, (long Bytes, long Timestamp)> _last = [];

    /// <summary>Called on the alert reader's task after each alert is reported.</summary>
    public Action<Alert>? AlertReceived { get; init; }

    /// <summary>Reports alerts until <paramref name="cancellationToken"/> is cancelled or the engine is disposed.</summary>
    public async Task WatchAlertsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var alert in engine.ReadAlertsAsync(cancellationToken))
            {
                if (ToEvent(alert) is { } e) reporter.Report(e);
                AlertReceived?.Invoke(alert);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reports every torrent's progress once a second.</summary>
    public async Task WatchProgressAsync(CancellationToken cancellationToken)
    {
        // Cancellation disposes the timer, which ends the wait with false: a cancelled wait would throw an exception
        // whose stack trace the runtime formats at once (in a Native AOT build, 10 ms of CPU at every exit).
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        await using var stop = cancellationToken.Register(timer.Dispose);
        while (await timer.WaitForNextTickAsync())
            foreach (var session in engine.Torrents) reporter.Report(Sample(session));
    }

    /// <summary>One progress sample of <paramref name="session"/>.</summary>
    public ProgressEvent Sample(TorrentSession session)
    {
        var peers = session.Peers;
        double down = peers.Sum(p => p.DownloadRate), up = peers.Sum(p => p.UploadRate);
        long verified = session.BytesVerified;
        long total = session.Info?.TotalLength ?? 0;
        int pieces = session.Info?.PieceCount ?? 0;
        long now = time.GetTimestamp();
        double? eta = null;
        if (_last.TryGetValue(session.InfoHash, out var last) && verified < total)
        {
            double seconds = time.GetElapsedTime(last.Timestamp, now).TotalSeconds;
            double rate = seconds > 0 ? (verified - last.Bytes) / seconds : 0;
            rate = Math.Max(rate, down);
            if (rate > 0) eta = (total - verified) / rate;
        }
        else if (verified >= total && total > 0) eta = 0;
        _last[session.InfoHash] = (verified, now);
        return new ProgressEvent(session.InfoHash.ToString(), StateName(session.State), Math.Round(session.Progress * 100, 2),
            verified, session.Uploaded, down, up, peers.Count, (int)Math.Round(session.Progress * pieces), pieces, eta);
    }

    /// <summary>The state's name as the JSON output writes it.</summary>
    public static string StateName(TorrentState state) => state switch
    {
        TorrentState.CheckingFiles => "checking",
        TorrentState.FetchingMetadata => "metadata",
        TorrentState.Downloading => "downloading",
        TorrentState.Seeding => "seeding",
        TorrentState.Stopped => "stopped",
        TorrentState.Error => "error",
        _ => state.ToString().ToLowerInvariant(),
    };

    private CliEvent? ToEvent(Alert alert) => alert switch
    {
        PeerConnectedAlert a => new PeerConnectedEvent(a.Peer.EndPoint.ToString(), a.Peer.Source.ToString().ToLowerInvariant(),
            a.Peer.Direction.ToString().ToLowerInvariant(), a.Peer.Client),
        PeerDisconnectedAlert a => new PeerDisconnectedEvent(a.EndPoint.ToString(), a.Reason),
        MetadataReceivedAlert a => Metadata(a.InfoHash),
        PieceVerifiedAlert a => new PieceVerifiedEvent(a.Piece),
        HashFailedAlert a => new HashFailedEvent(a.Piece),
        _ => null,
    };

    private MetadataEvent? Metadata(InfoHash infoHash)
    {
        var info = engine.Torrents.FirstOrDefault(t => t.InfoHash == infoHash)?.Info;
        return info is null ? null
            : new MetadataEvent(info.InfoHash.ToString(), info.Name, info.TotalLength, info.PieceCount, info.PieceLength,
                info.Files.Count(f => !f.IsPadding));
    }
}
