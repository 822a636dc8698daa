namespace BitTorrent.Extensions;

/// <summary>The peer said it no longer has a piece (BEP 54).</summary>
public sealed class DontHaveEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    public DontHaveEventArgs(int index, int failedRequests)
    {
        Index = index;
        FailedRequests = failedRequests;
    }

    /// <summary>The piece index.</summary>
    public int Index { get; }

    /// <summary>How many of our outstanding requests for that piece were failed (0 when Fast is negotiated: the peer's rejects end them).</summary>
    public int FailedRequests { get; }
}
