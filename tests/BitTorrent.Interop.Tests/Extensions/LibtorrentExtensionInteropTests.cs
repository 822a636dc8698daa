using System.Net;
using System.Net.Sockets;
using BitTorrent.Extensions;
using BitTorrent.Wire;

namespace BitTorrent.Interop.Tests.Extensions;

/// <summary>Our extensions against libtorrent 2.0.8 (Python bindings) seeding a v1-only torrent on 127.0.0.1 over TCP.</summary>
public class LibtorrentExtensionInteropTests
{
    private const int PieceLength = 16384;
    private const int PieceCount = 4;

    private static object SeedOptions => new { pieceLength = PieceLength, pieceCount = PieceCount, lifetime = 40 };

    private static async Task<(InfoHash Hash, int Port, byte[] Info)> ReadyAsync(ExtPeerProcess seed)
    {
        var ready = await seed.WaitForAsync("ready", timeout: TimeSpan.FromSeconds(20));
        var info = await File.ReadAllBytesAsync((string)ready["infoFile"]!);
        return (InfoHash.Parse((string)ready["infoHash"]!), (int)ready["port"]!, info);
    }

    private static async Task HandshakeAsync(Wire.Wire wire, InfoHash hash)
    {
        var extended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        wire.ExtendedHandshakeReceived += (_, _) => extended.TrySetResult();
        wire.Start();
        wire.Handshake(hash, PeerId.CreateRandom(), WireExtensions.Extended | WireExtensions.Fast);
        await extended.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Fetches_metadata_downloads_pieces_and_sends_donthave_to_libtorrent()
    {
        await using var seed = ExtPeerProcess.StartLibtorrent(SeedOptions);
        var (hash, port, info) = await ReadyAsync(seed);

        await using var wire = await Wire.Wire.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(TimeSpan.FromSeconds(10));
        var metadata = wire.Use(w => new UtMetadata(w));
        var donthave = wire.Use(w => new LtDontHave(w));
        var received = new TaskCompletionSource<MetadataEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        metadata.MetadataReceived += (_, e) => received.TrySetResult(e);
        metadata.Fetch();
        await HandshakeAsync(wire, hash);

        var got = await received.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(hash, InfoHash.FromInfoDictionary(got.Info.Span));
        Assert.Equal(info, got.Info.ToArray());
        Assert.Equal(info.Length, wire.PeerExtendedHandshake!.MetadataSize);

        var unchoked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        wire.PeerUnchoked += (_, _) => unchoked.TrySetResult();
        wire.Interested();
        if (wire.PeerChoking) await unchoked.Task.WaitAsync(TimeSpan.FromSeconds(15));
        for (int piece = 0; piece < PieceCount; piece++)
        {
            var bytes = await wire.RequestAsync(piece, 0, PieceLength).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(PieceLength, bytes.Length);
            for (int i = 0; i < bytes.Length; i += 997)
                Assert.Equal((byte)(((piece * PieceLength + i) * 13 + 7) & 0xFF), bytes[i]);
        }

        // libtorrent advertises lt_donthave; tell it we have piece 1, then that we lost it: it must stay connected.
        Assert.True(donthave.PeerSupported);
        wire.Have(1);
        Assert.True(donthave.DontHave(1));
        Assert.Equal(PieceLength, (await wire.RequestAsync(0, 0, PieceLength).AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Length);
        Assert.False(wire.IsClosed);
        await seed.SendAsync(new { cmd = "peers" });
        var peers = await seed.WaitForAsync("peers");
        Assert.Single(peers["peers"]!.AsArray());
        Assert.DoesNotContain(seed.Seen(), e => (string?)e["event"] is "peer-error" or "peer-disconnected");
    }

    [Fact]
    public async Task Receives_pex_from_libtorrent_listing_its_other_peer_but_not_ourselves()
    {
        await using var seed = ExtPeerProcess.StartLibtorrent(SeedOptions);
        var (hash, port, _) = await ReadyAsync(seed);

        // Wire A dials libtorrent; wire B is dialled by libtorrent, so libtorrent knows B's listen address and lists it.
        await using var a = await Wire.Wire.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(TimeSpan.FromSeconds(10));
        var pexA = a.Use(w => new UtPex(w));
        var addedAtA = new TaskCompletionSource<PexPeerEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        await HandshakeAsync(a, hash);

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var listenPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        pexA.PeerAdded += (_, e) => { if (e.EndPoint.Port == listenPort) addedAtA.TrySetResult(e); };
        await seed.SendAsync(new { cmd = "connect", port = listenPort });
        var socket = await listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await using var b = new Wire.Wire(socket);
        var pexB = b.Use(w => new UtPex(w));
        var addedAtB = new List<IPEndPoint>();
        pexB.PeerAdded += (_, e) => { lock (addedAtB) addedAtB.Add(e.EndPoint); };
        var pexMessageAtB = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.ExtendedMessageReceived += (_, e) => { if (e.Name == ExtensionNames.UtPex) pexMessageAtB.TrySetResult(); };
        await HandshakeAsync(b, hash);

        var listed = await addedAtA.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, listenPort), listed.EndPoint);

        // libtorrent's PEX to B lists B's own address: it is dropped.
        await pexMessageAtB.Task.WaitAsync(TimeSpan.FromSeconds(20));
        lock (addedAtB) Assert.DoesNotContain(new IPEndPoint(IPAddress.Loopback, listenPort), addedAtB);
        Assert.False(a.IsClosed);
        Assert.False(b.IsClosed);
    }

    [Fact]
    public async Task Receives_lt_donthave_when_libtorrent_loses_a_piece_and_then_its_reject()
    {
        await using var seed = ExtPeerProcess.StartLibtorrent(SeedOptions);
        var (hash, port, _) = await ReadyAsync(seed);
        // The piece count is known (as after a metadata fetch), so have-all can be narrowed piece by piece.
        var options = new WireOptions { PieceCount = PieceCount };
        await using var wire = await Wire.Wire.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), options).WaitAsync(TimeSpan.FromSeconds(10));
        var donthave = wire.Use(w => new LtDontHave(w));
        var lost = new TaskCompletionSource<DontHaveEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        donthave.DontHaveReceived += (_, e) => lost.TrySetResult(e);
        await HandshakeAsync(wire, hash);
        Assert.True(wire.HasFast);

        var unchoked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        wire.PeerUnchoked += (_, _) => unchoked.TrySetResult();
        wire.Interested();
        if (wire.PeerChoking) await unchoked.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(PieceLength, (await wire.RequestAsync(0, 0, PieceLength).AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Length);

        // Cut the seeded file after piece 0: libtorrent fails to read piece 2, says donthave, then rejects (Fast).
        await seed.SendAsync(new { cmd = "truncate", size = PieceLength });
        await seed.WaitForAsync("done");
        var request = wire.RequestAsync(2, 0, PieceLength).AsTask();
        var e = await lost.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, e.Index);
        Assert.Equal(0, e.FailedRequests); // Fast: BEP 54 says to wait for the peer's reject
        var failure = await Assert.ThrowsAsync<WireRequestException>(() => request.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(WireRequestFailure.Rejected, failure.Failure);
        Assert.False(wire.PeerPieces.Get(2));
        Assert.True(wire.PeerPieces.Get(0));
        Assert.False(wire.IsClosed);
    }
}
