namespace BitTorrent.Client;

/// <summary>What <see cref="PiecePicker.OnBlockReceived"/> made of a block.</summary>
public enum BlockStatus
{
    /// <summary>The block was missing: keep its data.</summary>
    Accepted,

    /// <summary>The block had been received already (an end-game race): drop its data.</summary>
    Duplicate,

    /// <summary>Not a block of a piece being downloaded (never requested, a piece we have or skip, or a bad offset or length): drop it.</summary>
    Unexpected,
}

/// <summary>The outcome of a received block. Valid until the next call into the picker.</summary>
public readonly ref struct BlockReceipt
{
    internal BlockReceipt(BlockStatus status, bool pieceComplete, ReadOnlySpan<PeerHandle> cancel)
    {
        Status = status;
        PieceComplete = pieceComplete;
        Cancel = cancel;
    }

    /// <summary>Whether the data is to be kept.</summary>
    public BlockStatus Status { get; }

    /// <summary>True when this block completed its piece: every block is received, the piece is to be hash-checked.</summary>
    public bool PieceComplete { get; }

    /// <summary>The other peers this block was requested from (end-game): send each a cancel.</summary>
    public ReadOnlySpan<PeerHandle> Cancel { get; }
}
