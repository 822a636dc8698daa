using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using BitTorrent.Wire;

namespace BitTorrent.Wire.Tests;

public class TcpTests
{
    [Fact]
    public async Task Two_wires_over_loopback_tcp_move_verified_pieces()
    {
        var content = new byte[4 * 256 * 1024];
        new Random(3).NextBytes(content);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var acceptTask = listener.AcceptSocketAsync();
        await using var leecher = await Wire.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        await using var seeder = new Wire(await acceptTask.Within());
        seeder.RequestHandler = (r, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(content.AsMemory(r.Index * 262144 + r.Begin, r.Length));
        seeder.HandshakeReceived += (_, _) =>
        {
            seeder.Handshake(TestIds.Hash, TestIds.IdB);
            seeder.HaveAll();
        };
        seeder.PeerInterestedReceived += (_, _) => seeder.Unchoke();
        var unchoked = TestIds.Next(h => leecher.PeerUnchoked += h);
        var haveAll = TestIds.Next(h => leecher.HaveAllReceived += h);
        seeder.Start();
        leecher.Handshake(TestIds.Hash, TestIds.IdA);
        await haveAll.Within();
        Assert.True(leecher.PeerPieces[3]);
        leecher.Interested();
        await unchoked.Within();
        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)leecher.RemoteEndPoint!).Address);
        Assert.Equal("tcpOutgoing", leecher.Type.ToString());
        Assert.Equal("tcpIncoming", seeder.Type.ToString());
        Assert.Equal(leecher.LocalEndPoint, seeder.RemoteEndPoint);
        Assert.False(leecher.Connection.IsEncrypted);

        for (int piece = 0; piece < 4; piece++)
        {
            var blocks = await Task.WhenAll(Enumerable.Range(0, 16).Select(b => leecher.RequestAsync(piece, b * 16384, 16384).AsTask())).Within();
            Assert.Equal(SHA1.HashData(content.AsSpan(piece * 262144, 262144)), SHA1.HashData(blocks.SelectMany(b => b).ToArray()));
        }
        var closed = TestIds.Next<WireClosedEventArgs>(h => seeder.Closed += h);
        leecher.End();
        Assert.Equal(WireCloseReason.RemoteEnd, (await closed.Within()).Reason);
        await leecher.Completion.Within();
    }

    [Fact]
    public async Task ConnectAsync_binds_the_given_local_address()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var acceptTask = listener.AcceptSocketAsync();
        var local = new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0);
        await using var wire = await Wire.ConnectAsync((IPEndPoint)listener.LocalEndpoint, local);
        using var accepted = await acceptTask.Within();
        Assert.Equal(local.Address, ((IPEndPoint)wire.LocalEndPoint!).Address);
        Assert.Equal(local.Address, ((IPEndPoint)accepted.RemoteEndPoint!).Address);
    }
}
