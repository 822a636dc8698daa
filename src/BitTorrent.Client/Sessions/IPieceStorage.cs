using BitTorrent.Storage;
using BitTorrent.Wire;

namespace BitTorrent.Client;

/// <summary>What a torrent's loop needs from its files: check, write verified pieces, read blocks to serve, resume data.</summary>
internal interface IPieceStorage : IAsyncDisposable
{
    /// <summary>The verified pieces already on disk (from the resume data when it still matches the files, else by hashing).</summary>
    ValueTask<BitField> CheckAsync(CancellationToken cancellationToken);

    /// <summary>Writes a verified piece, through the page cache or past it (<see cref="PageCache"/>).</summary>
    ValueTask WritePieceAsync(int piece, ReadOnlyMemory<byte> data, PageCache cache, CancellationToken cancellationToken);

    /// <summary>Reads <c>destination.Length</c> bytes of <paramref name="piece"/> from <paramref name="begin"/>.</summary>
    ValueTask ReadAsync(int piece, int begin, Memory<byte> destination, CancellationToken cancellationToken);

    /// <summary>The pieces of files that are gone or shorter than the torrent says (deleted or truncated under us).</summary>
    BitField FindLostPieces();

    /// <summary>Writes the resume data: the verified pieces and the files' sizes and times.</summary>
    ValueTask SaveResumeAsync(BitField have, CancellationToken cancellationToken);

    /// <summary>
    /// Sets a file's priority; a skipped file that becomes wanted is created with what the part file kept of it. The
    /// caller writes no piece meanwhile.
    /// </summary>
    ValueTask SetFilePriorityAsync(int file, FilePriority priority, CancellationToken cancellationToken);
}
