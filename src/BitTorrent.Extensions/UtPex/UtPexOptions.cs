using Microsoft.Extensions.Logging;

namespace BitTorrent.Extensions;

/// <summary>Settings for <see cref="UtPex"/>. The send interval matches the npm ut_pex 5.x; the flood rule, libtorrent's receiver.</summary>
public sealed record UtPexOptions
{
    /// <summary>How often pending added/dropped peers are sent (65 s).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(65);

    /// <summary>
    /// How long after <see cref="UtPex.Start"/> the first message goes out; null (the default, as the npm ut_pex) waits
    /// one <see cref="Interval"/>. A client engine sets a short delay, as libtorrent sends its first list on the first
    /// tick after the extended handshake, so a new peer learns the swarm at once rather than a minute later.
    /// </summary>
    public TimeSpan? FirstMessageDelay { get; init; }

    /// <summary>
    /// The window of the flood rule (60 s): a peer whose <see cref="MaxMessagesPerFloodWindow"/> + 1 most recent ut_pex
    /// messages all arrived within this window is disconnected. Measured with monotonic timestamps of the wire's
    /// <c>TimeProvider</c>, so a wall-clock step changes nothing.
    /// </summary>
    public TimeSpan FloodWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How many ut_pex messages a peer may send within <see cref="FloodWindow"/> (6, as libtorrent's receiver). A peer
    /// that sends every 60 s, as libtorrent and aria2 do, stays far below it even when two messages arrive back to back
    /// after a read pause or a rate limit.
    /// </summary>
    public int MaxMessagesPerFloodWindow { get; init; } = 6;

    /// <summary>The most added (and, separately, dropped) peers read from one received message (200); the rest are ignored with a warning.</summary>
    public int MaxReceivedPeersPerMessage { get; init; } = PexMessage.DefaultMaxDecodedPeers;

    /// <summary>How many peers received from the remote side are remembered to suppress duplicates (1000, oldest forgotten first).</summary>
    public int MaxRememberedPeers { get; init; } = 1000;

    /// <summary>Diagnostics: warnings and flood disconnects are logged at debug level (default none).</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
