namespace BitTorrent.Extensions;

/// <summary>Settings for <see cref="UtMetadata"/>.</summary>
public sealed record UtMetadataOptions
{
    /// <summary>How long a fetch waits for the next data message before it gives up with a warning (30 s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times the whole info dictionary is fetched again after a hash mismatch (1, as the npm module for one piece).</summary>
    public int MaxRetries { get; init; } = 1;

    /// <summary>How many piece requests are outstanding at once (16).</summary>
    public int MaxOutstandingRequests { get; init; } = 16;
}
