using BitTorrent.Wire;

namespace BitTorrent.Interop.Tests.Encryption;

/// <summary>
/// The seeding side of the encryption tests, over our Wire: answers (or sends) the handshake, announces every
/// piece (have-all with Fast, a full bitfield otherwise), unchokes an interested peer and serves its requests from
/// the in-memory content.
/// </summary>
internal static class WireSeeder
{
    /// <summary>
    /// Serves <paramref name="content"/> on <paramref name="wire"/> and starts it. <paramref name="peerId"/> must be the
    /// one in the MSE initial payload when that carried our handshake.
    /// </summary>
    public static void Serve(BitTorrent.Wire.Wire wire, TestContent content, bool dialled, PeerId? peerId = null)
    {
        var ourId = peerId ?? PeerId.CreateRandom();
        wire.HandshakeReceived += (_, e) =>
        {
            if (!dialled) wire.Handshake(e.InfoHash, ourId, WireExtensions.Fast);
            if (wire.HasFast) wire.HaveAll();
            else
            {
                var all = new BitField(content.PieceCount);
                for (var i = 0; i < content.PieceCount; i++) all.Set(i);
                wire.Bitfield(all);
            }
            wire.Unchoke();
        };
        wire.PeerInterestedReceived += (_, _) => wire.Unchoke();
        wire.RequestHandler = (request, _) =>
        {
            var begin = (long)request.Index * content.PieceLength + request.Begin;
            if (request.Index >= content.PieceCount || begin + request.Length > content.Data.Length)
                throw new ArgumentOutOfRangeException(nameof(request), "a block outside the content");
            return ValueTask.FromResult<ReadOnlyMemory<byte>>(content.Data.AsMemory((int)begin, request.Length));
        };
        wire.Start();
        if (dialled) wire.Handshake(content.InfoHash, ourId, WireExtensions.Fast);
    }
}
