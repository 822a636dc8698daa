using BitTorrent.Metainfo;
using BitTorrent.Storage;
using BitTorrent.Wire;

namespace BitTorrent.Client.Tests;

/// <summary>Real files whose piece writes wait until the test opens the gate (so no piece completes before then).</summary>
internal sealed class GatedStorage(TorrentInfo info, TorrentOptions options, Task gate) : IPieceStorage
{
    private readonly FilePieceStorage _inner = new(info, options);

    public ValueTask<BitField> CheckAsync(CancellationToken cancellationToken) => _inner.CheckAsync(cancellationToken);

    public async ValueTask WritePieceAsync(int piece, ReadOnlyMemory<byte> data, PageCache cache, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        await _inner.WritePieceAsync(piece, data, cache, cancellationToken);
    }

    public ValueTask ReadAsync(int piece, int begin, Memory<byte> destination, CancellationToken cancellationToken) =>
        _inner.ReadAsync(piece, begin, destination, cancellationToken);

    public BitField FindLostPieces() => _inner.FindLostPieces();

    public ValueTask SaveResumeAsync(BitField have, CancellationToken cancellationToken) => _inner.SaveResumeAsync(have, cancellationToken);

    public ValueTask SetFilePriorityAsync(int file, FilePriority priority, CancellationToken cancellationToken) =>
        _inner.SetFilePriorityAsync(file, priority, cancellationToken);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}
