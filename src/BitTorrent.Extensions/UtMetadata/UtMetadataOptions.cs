using Microsoft.Extensions.Logging;

namespace BitTorrent.Extensions;

/// <summary>Settings for <see cref="UtMetadata"/>.</summary>
public sealed record UtMetadataOptions
{
    /// <summary>How long a fetch waits for the next data message before it gives up with a warning (30 s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times the whole info dictionary is fetched again after a hash mismatch (1, as the npm module for one piece).</summary>
    public int MaxRetries { get; init; } = 1;

    /// <summary>
    /// Flood protection when serving (BEP 9 allows it): after serving this many times the number of metadata pieces
    /// to one peer, further requests are rejected (4).
    /// </summary>
    public int MaxServesPerPiece { get; init; } = 4;

    /// <summary>How many piece requests are outstanding at once (16).</summary>
    public int MaxOutstandingRequests { get; init; } = 16;

    /// <summary>Diagnostics: fetch warnings are logged at debug level (default none).</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
