using System.Net;
using System.Net.Sockets;
using BitTorrent.Encryption;
using BitTorrent.Wire;

namespace BitTorrent.Benchmarks.Transfer;

/// <summary>The connection pair of the encrypted contestant: an MSE handshake selecting RC4 on both ends, then the wires.</summary>
internal static class MseTransfer
{
    /// <summary>Dials <paramref name="listener"/>, runs MSE (full-stream RC4) and returns the leecher's and the seeder's wire.</summary>
    public static async Task<(global::BitTorrent.Wire.Wire Leecher, global::BitTorrent.Wire.Wire Seeder)> ConnectAsync(TcpListener listener, InfoHash hash)
    {
        var accept = listener.AcceptSocketAsync();
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        var rc4 = new MseOptions { AllowedMethods = CryptoMethods.Rc4 };
        var dialling = MseHandshake.InitiateAsync(PeerConnection.FromSocket(socket, ConnectionDirection.Outgoing), hash, rc4);
        var accepted = await MseHandshake.AcceptAsync(PeerConnection.FromSocket(await accept, ConnectionDirection.Incoming),
            new MseTorrentTable([hash]), rc4);
        var dialled = await dialling;
        if (!accepted.IsEncrypted || !dialled.IsEncrypted) throw new InvalidOperationException("RC4 was not selected");
        var leecher = new global::BitTorrent.Wire.Wire(dialled.Connection);
        leecher.Start();
        return (leecher, new global::BitTorrent.Wire.Wire(accepted.Connection));
    }
}
