using BitTorrent.Metainfo;
using BitTorrent.Storage;
using BitTorrent.Wire;

namespace BitTorrent.Client;

/// <summary>A torrent's files through <see cref="TorrentStorage"/>, with its resume file at <see cref="TorrentOptions.ResumeFilePath"/>.</summary>
internal sealed class FilePieceStorage(TorrentInfo info, TorrentOptions options) : IPieceStorage
{
    private readonly TorrentStorage _storage = new(info, options.SaveDirectory, new StorageOptions
    {
        FilePriorities = FileSelection.FilePriorities(info, options),
    });

    private string ResumePath => options.ResumeFilePath ?? Path.Combine(options.SaveDirectory, $".{info.InfoHash}.resume");

    /// <inheritdoc />
    public async ValueTask<BitField> CheckAsync(CancellationToken cancellationToken) =>
        (await _storage.RestoreAsync(ResumePath, null, cancellationToken).ConfigureAwait(false)).Pieces;

    /// <inheritdoc />
    public ValueTask WritePieceAsync(int piece, ReadOnlyMemory<byte> data, PageCache cache, CancellationToken cancellationToken) =>
        _storage.WritePieceAsync(piece, data, cache, cancellationToken);

    /// <inheritdoc />
    public ValueTask ReadAsync(int piece, int begin, Memory<byte> destination, CancellationToken cancellationToken) =>
        _storage.ReadAsync(piece, begin, destination, cancellationToken);

    public BitField FindLostPieces() => _storage.FindLostPieces();

    /// <inheritdoc />
    public ValueTask SaveResumeAsync(BitField have, CancellationToken cancellationToken) =>
        _storage.SaveResumeDataAsync(ResumePath, have, cancellationToken);

    /// <inheritdoc />
    public ValueTask SetFilePriorityAsync(int file, FilePriority priority, CancellationToken cancellationToken) =>
        _storage.SetFilePriorityAsync(file, priority, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _storage.DisposeAsync();
}
