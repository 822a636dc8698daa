namespace BitTorrent.Client;

/// <summary>Tuning of a <see cref="RequestPipeline"/>.</summary>
public sealed record RequestPipelineOptions
{
    /// <summary>Seconds of data at the peer's measured rate kept requested (libtorrent's request_queue_time; default 3 s).</summary>
    public TimeSpan QueueTime { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The fewest requests kept outstanding with an unchoked peer that is not snubbed (default 2).</summary>
    public int MinOutstanding { get; init; } = DefaultMinOutstanding;

    /// <summary>The default of <see cref="MinOutstanding"/>.</summary>
    public const int DefaultMinOutstanding = 2;

    /// <summary>The most requests kept outstanding with one peer, whatever its <c>reqq</c> (default 500).</summary>
    public int MaxOutstanding { get; init; } = 500;

    /// <summary>A peer that sends no block for this long while requests are outstanding is snubbed (default 60 s).</summary>
    public TimeSpan SnubTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
