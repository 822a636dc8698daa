namespace BitTorrent.Client;

/// <summary>
/// The memory one piece is downloaded into (page-aligned and pooled, <see cref="PieceMemoryPool"/>). Blocks are written
/// into it by the wires (RequestAsync into caller memory); it goes back to the pool only when the piece is finished
/// with (verified, written or failed) and no request that targets it is still in flight, so a late block can never land
/// in someone else's buffer. Loop-owned.
/// </summary>
internal sealed class PieceBuffer
{
    private PieceMemory? _memory;

    public PieceBuffer(int piece, int size)
    {
        Piece = piece;
        Size = size;
        _memory = PieceMemoryPool.Rent(size);
        Memory = _memory.Value.Memory;
    }

    /// <summary>The piece index.</summary>
    public int Piece { get; }

    /// <summary>The piece's size.</summary>
    public int Size { get; }

    /// <summary>Requests in flight whose destination is this buffer.</summary>
    public int InFlight { get; set; }

    /// <summary>True once the piece is being hashed or written (no block is accepted into it any more).</summary>
    public bool Sealed { get; set; }

    /// <summary>True once the piece is finished with; the memory returns to the pool when nothing is in flight.</summary>
    public bool Finished { get; private set; }

    /// <summary>The piece's bytes (page-aligned); not to be touched once the piece is finished with.</summary>
    public Memory<byte> Memory { get; }

    /// <summary>The block at <paramref name="begin"/>.</summary>
    public Memory<byte> Block(int begin, int length) =>
        _memory is null ? throw new InvalidOperationException($"piece {Piece}'s memory went back to the pool") : Memory.Slice(begin, length);

    /// <summary>The piece is done with; the memory goes back once the last in-flight request completes.</summary>
    public void Finish()
    {
        Finished = true;
        TryReturn();
    }

    /// <summary>One request that targeted this buffer completed.</summary>
    public void RequestDone()
    {
        InFlight--;
        TryReturn();
    }

    private void TryReturn()
    {
        if (!Finished || InFlight > 0 || _memory is not { } memory) return;
        _memory = null;
        PieceMemoryPool.Return(memory);
    }
}
