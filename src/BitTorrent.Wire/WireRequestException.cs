namespace BitTorrent.Wire;

/// <summary>Why one of our requests failed.</summary>
public enum WireRequestFailure
{
    /// <summary>The peer choked us (without Fast), or was choking when we asked.</summary>
    Choked,
    /// <summary>The peer sent a reject (BEP 6).</summary>
    Rejected,
    /// <summary>We cancelled it (<see cref="Wire.Cancel"/> or the cancellation token).</summary>
    Cancelled,
    /// <summary>No progress for <see cref="Wire.RequestTimeout"/>; this was the oldest request.</summary>
    TimedOut,
    /// <summary>The wire closed.</summary>
    Closed,
    /// <summary>The peer said it no longer has the piece (BEP 54 lt_donthave).</summary>
    DontHave,
}

/// <summary>A request that did not complete with a block.</summary>
public sealed class WireRequestException(WireRequestFailure failure, BlockRequest request)
    : Exception($"request {request.Index}:{request.Begin}+{request.Length} failed: {Describe(failure)}")
{
    /// <summary>Why it failed.</summary>
    public WireRequestFailure Failure { get; } = failure;

    /// <summary>The request that failed.</summary>
    public BlockRequest Request { get; } = request;

    private static string Describe(WireRequestFailure failure) => failure switch
    {
        WireRequestFailure.Choked => "peer is choking",
        WireRequestFailure.Rejected => "request was rejected",
        WireRequestFailure.Cancelled => "request was cancelled",
        WireRequestFailure.TimedOut => "request has timed out",
        WireRequestFailure.Closed => "wire is closed",
        WireRequestFailure.DontHave => "peer sent donthave",
        _ => failure.ToString(),
    };
}
