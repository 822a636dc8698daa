namespace BitTorrent.Trackers;

/// <summary>One tracker, reached over HTTP(S) or UDP. Every failure is a <see cref="TrackerException"/>.</summary>
public interface ITracker
{
    /// <summary>The tracker's URL.</summary>
    Uri Uri { get; }

    /// <summary>Whether <see cref="ScrapeAsync"/> can work for this URL (always for UDP; BEP 48 for HTTP).</summary>
    bool CanScrape { get; }

    /// <summary>Announces and returns the tracker's answer.</summary>
    /// <exception cref="TrackerException">The tracker failed, refused, timed out or sent something malformed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<AnnounceResponse> AnnounceAsync(AnnounceRequest request, CancellationToken cancellationToken = default);

    /// <summary>Asks for the seeders, leechers and completed downloads of <paramref name="infoHashes"/>.</summary>
    /// <exception cref="TrackerException">As for <see cref="AnnounceAsync"/>, or <see cref="TrackerError.ScrapeNotSupported"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<ScrapeResponse> ScrapeAsync(IReadOnlyList<InfoHash> infoHashes, CancellationToken cancellationToken = default);
}
