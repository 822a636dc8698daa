using BitTorrent.Wire;

namespace BitTorrent.Interop.Tests.Encryption;

/// <summary>
/// The downloading side of the encryption tests, over our Wire: handshakes, declares interest, waits to be
/// unchoked, requests every block (a window in flight) and checks every piece against its SHA-1.
/// </summary>
internal static class WireLeecher
{
    private const int BlockLength = 16 * 1024;

    /// <summary>
    /// Downloads the whole content from the peer on <paramref name="wire"/> and returns the bytes. <paramref name="peerId"/>
    /// must be the one in the MSE initial payload when that carried our handshake.
    /// </summary>
    public static async Task<byte[]> DownloadAsync(BitTorrent.Wire.Wire wire, TestContent content, bool dialled, TimeSpan timeout,
        PeerId? peerId = null)
    {
        var unchoked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handshake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ourId = peerId ?? PeerId.CreateRandom();
        wire.PeerUnchoked += (_, _) => unchoked.TrySetResult();
        wire.Closed += (_, e) => closed.TrySetException(new IOException($"the wire closed: {e.Reason} {e.Message}"));
        wire.HandshakeReceived += (_, e) =>
        {
            if (!dialled) wire.Handshake(e.InfoHash, ourId, WireExtensions.Fast);
            handshake.TrySetResult();
        };
        wire.Start();
        if (dialled) wire.Handshake(content.InfoHash, ourId, WireExtensions.Fast);

        using var deadline = new CancellationTokenSource(timeout);
        await Task.WhenAny(handshake.Task, closed.Task).Unwrap().WaitAsync(deadline.Token);
        wire.Interested();
        await Task.WhenAny(unchoked.Task, closed.Task).Unwrap().WaitAsync(deadline.Token);

        var data = new byte[content.Data.Length];
        var blocks = new List<(int Index, int Begin, int Length)>();
        for (var piece = 0; piece < content.PieceCount; piece++)
        {
            var length = content.Piece(piece).Length;
            for (var begin = 0; begin < length; begin += BlockLength) blocks.Add((piece, begin, Math.Min(BlockLength, length - begin)));
        }
        using var window = new SemaphoreSlim(64);
        var requests = blocks.Select(async block =>
        {
            await window.WaitAsync(deadline.Token);
            try
            {
                var at = block.Index * content.PieceLength + block.Begin;
                var got = await wire.RequestAsync(block.Index, block.Begin, data.AsMemory(at, block.Length), deadline.Token);
                if (got != block.Length) throw new InvalidDataException($"block {block} came with {got} bytes");
            }
            finally
            {
                window.Release();
            }
        }).ToList();
        await Task.WhenAll(requests).WaitAsync(deadline.Token);
        for (var piece = 0; piece < content.PieceCount; piece++)
            if (!content.PieceMatches(piece, data.AsSpan(piece * content.PieceLength, content.Piece(piece).Length)))
                throw new InvalidDataException($"piece {piece} fails its SHA-1");
        return data;
    }
}
