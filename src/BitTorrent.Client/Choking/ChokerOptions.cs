namespace BitTorrent.Client;

/// <summary>How a seeding torrent chooses the peers it uploads to.</summary>
public enum SeedChokingMode
{
    /// <summary>The peers we upload to fastest keep their slots (libtorrent's fastest_upload).</summary>
    FastestUpload,

    /// <summary>Slots rotate: the peers unchoked longest ago (or never) come first (libtorrent's round_robin).</summary>
    RoundRobin,
}

/// <summary>Tuning of a <see cref="Choker"/>.</summary>
public sealed record ChokerOptions
{
    /// <summary>Regular upload slots (default 4); 0 derives them from <see cref="UploadRateLimit"/>.</summary>
    public int UploadSlots { get; init; } = 4;

    /// <summary>The upload rate limit in bytes per second (0 = unlimited), used when <see cref="UploadSlots"/> is 0.</summary>
    public long UploadRateLimit { get; init; }

    /// <summary>How often the regular slots are reassigned (default 10 s).</summary>
    public TimeSpan RechokeInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the optimistic unchoke moves to another peer (default 30 s).</summary>
    public TimeSpan OptimisticInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Peers connected for less than this are three times as likely to be the optimistic unchoke (default 60 s).</summary>
    public TimeSpan NewPeerWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Slot assignment while seeding (default <see cref="SeedChokingMode.FastestUpload"/>).</summary>
    public SeedChokingMode SeedChoking { get; init; } = SeedChokingMode.FastestUpload;

    /// <summary>Seed of the optimistic choice; null for a random seed. Tests fix it.</summary>
    public int? RandomSeed { get; init; }

    /// <summary>
    /// The number of regular slots: <see cref="UploadSlots"/> when set; else from the upload limit as BitTorrent
    /// mainline did, √(0.6 × KiB/s) clamped to 2..50, and 8 when unlimited.
    /// </summary>
    public int EffectiveUploadSlots
    {
        get
        {
            if (UploadSlots > 0) return UploadSlots;
            if (UploadRateLimit <= 0) return 8;
            return Math.Clamp((int)Math.Round(Math.Sqrt(UploadRateLimit / 1024.0 * 0.6)), 2, 50);
        }
    }
}

/// <summary>What the choker needs to know of one connected peer at a rechoke.</summary>
/// <param name="Peer">The peer.</param>
/// <param name="Interested">True when the peer is interested in us.</param>
/// <param name="DownloadRate">Bytes per second we receive from the peer.</param>
/// <param name="UploadRate">Bytes per second we send to the peer.</param>
/// <param name="ConnectedAt">The <see cref="TimeProvider.GetTimestamp"/> at which the connection was made.</param>
public readonly record struct ChokeCandidate(PeerHandle Peer, bool Interested, double DownloadRate, double UploadRate, long ConnectedAt);
