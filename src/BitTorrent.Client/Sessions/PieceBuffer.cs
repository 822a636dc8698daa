using System.Buffers;

namespace BitTorrent.Client;

/// <summary>
/// The memory one piece is downloaded into (pooled). Blocks are written into it by the wires (RequestAsync into caller
/// memory); it goes back to the pool only when the piece is finished with (verified, written or failed) and no request
/// that targets it is still in flight, so a late block can never land in someone else's buffer. Loop-owned.
/// </summary>
internal sealed class PieceBuffer(int piece, int size)
{
    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(size);

    /// <summary>The piece index.</summary>
    public int Piece { get; } = piece;

    /// <summary>The piece's size.</summary>
    public int Size { get; } = size;

    /// <summary>Requests in flight whose destination is this buffer.</summary>
    public int InFlight { get; set; }

    /// <summary>True once the piece is being hashed or written (no block is accepted into it any more).</summary>
    public bool Sealed { get; set; }

    /// <summary>True once the piece is finished with; the memory returns to the pool when nothing is in flight.</summary>
    public bool Finished { get; private set; }

    /// <summary>The piece's bytes.</summary>
    public Memory<byte> Memory => _buffer.AsMemory(0, Size);

    /// <summary>The block at <paramref name="begin"/>.</summary>
    public Memory<byte> Block(int begin, int length) => _buffer.AsMemory(begin, length);

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
        if (!Finished || InFlight > 0 || _buffer is null) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
    }
}
