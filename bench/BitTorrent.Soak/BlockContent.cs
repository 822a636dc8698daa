namespace BitTorrent.Soak;

/// <summary>
/// Deterministic content for every block of every connection, served without copying: block <c>n</c> of stream
/// <c>s</c> is the 16 KiB at offset <c>(n + s·2¹⁶) · Stride mod 2²⁵</c> of one 32 MiB random buffer. The stride is odd,
/// so the offsets of distinct (stream, block) keys below 2²⁵ differ, and a block delivered to the wrong request, the
/// wrong connection or the wrong direction does not match.
/// </summary>
internal sealed class BlockContent
{
    /// <summary>The block length requested and served.</summary>
    public const int Block = 16 * 1024;

    /// <summary>Blocks per piece (256 KiB pieces).</summary>
    public const int BlocksPerPiece = 16;

    /// <summary>Pieces of each stream's virtual torrent: 4,096 × 256 KiB = 1 GiB, 2¹⁶ blocks.</summary>
    public const int PieceCount = 4096;

    private const int BlocksPerStream = PieceCount * BlocksPerPiece;
    private const int Modulus = 1 << 25;
    private const long Stride = 16411;

    private readonly byte[] _bytes = new byte[Modulus + Block];

    /// <summary>Random bytes from a fixed seed.</summary>
    public BlockContent(int seed) => new Random(seed).NextBytes(_bytes);

    /// <summary>The most streams whose blocks are all distinct.</summary>
    public const int MaxStreams = Modulus / BlocksPerStream;

    /// <summary>The bytes of block (<paramref name="index"/>, <paramref name="begin"/>) of <paramref name="stream"/>.</summary>
    public ReadOnlyMemory<byte> Get(int stream, int index, int begin)
    {
        long key = (long)stream * BlocksPerStream + (long)index * BlocksPerPiece + begin / Block;
        return _bytes.AsMemory((int)(key * Stride % Modulus), Block);
    }
}
