namespace BitTorrent.Extensions;

/// <summary>Settings for <see cref="UtPex"/>. The defaults match the npm ut_pex 5.x.</summary>
public sealed record UtPexOptions
{
    /// <summary>How often pending added/dropped peers are sent (65 s).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(65);

    /// <summary>A peer whose ut_pex messages arrive closer together than this is disconnected (60 s).</summary>
    public TimeSpan MinReceiveInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The most added (and, separately, dropped) peers read from one received message (200); the rest are ignored with a warning.</summary>
    public int MaxReceivedPeersPerMessage { get; init; } = PexMessage.DefaultMaxDecodedPeers;

    /// <summary>How many peers received from the remote side are remembered to suppress duplicates (1000, oldest forgotten first).</summary>
    public int MaxRememberedPeers { get; init; } = 1000;
}
