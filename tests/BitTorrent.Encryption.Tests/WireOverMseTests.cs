using System.Net;
using System.Net.Sockets;
using BitTorrent.Encryption;
using BitTorrent.Interop.Tests.Encryption;
using BitTorrent.Wire;

namespace BitTorrent.Encryption.Tests;

/// <summary>Our encrypted wire to our encrypted wire: in memory, over loopback TCP, and a listener taking both kinds.</summary>
public class WireOverMseTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly TestContent Content = new("mse-unit", 32 * 1024, 300_000, seed: 11);

    [Theory]
    [InlineData(CryptoMethods.Rc4)]
    [InlineData(CryptoMethods.Plaintext)]
    public async Task A_download_over_an_in_memory_pipe(CryptoMethods method)
    {
        var pair = new PipePair();
        var handshake = MseConnector.BitTorrentHandshake(Content.InfoHash, PeerId.CreateRandom());
        var dialling = MseHandshake.InitiateAsync(pair.ConnectionA, Content.InfoHash, new MseOptions { AllowedMethods = method }, handshake);
        var accepted = await MseHandshake.AcceptAsync(pair.ConnectionB, new MseTorrentTable([Content.InfoHash])).WaitAsync(Bound);
        var dialled = await dialling.WaitAsync(Bound);
        Assert.Equal(method, accepted.Method);

        await using var seeder = new BitTorrent.Wire.Wire(accepted.Connection);
        WireSeeder.Serve(seeder, Content, dialled: false);
        await using var leecher = new BitTorrent.Wire.Wire(dialled.Connection);
        Assert.Equal(method == CryptoMethods.Rc4, leecher.Connection.IsEncrypted);
        var data = await LeechWithHandshakeAsync(leecher, handshake);
        Assert.Equal(Content.Data, data);
    }

    [Theory]
    [InlineData(EncryptionPolicy.Required, CryptoMethods.Rc4)]
    [InlineData(EncryptionPolicy.Required, CryptoMethods.Plaintext)]
    [InlineData(EncryptionPolicy.Disabled, CryptoMethods.Rc4)]
    public async Task One_listener_accepts_plaintext_and_encrypted_peers_over_loopback_TCP(EncryptionPolicy dialPolicy, CryptoMethods allowed)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var torrents = new MseTorrentTable([Content.InfoHash]);
        var serving = Task.Run(async () =>
        {
            var socket = await listener.AcceptAsync();
            var result = await MseHandshake.AcceptAsync(PeerConnection.FromSocket(socket, ConnectionDirection.Incoming), torrents);
            var wire = new BitTorrent.Wire.Wire(result.Connection);
            WireSeeder.Serve(wire, Content, dialled: false);
            return (result, wire);
        });

        var connector = new MseConnector(new MseOptions { Policy = dialPolicy, AllowedMethods = allowed });
        var handshake = MseConnector.BitTorrentHandshake(Content.InfoHash, PeerId.CreateRandom());
        var dialled = await connector.ConnectAsync((IPEndPoint)listener.LocalEndPoint!, null, Content.InfoHash, handshake).WaitAsync(Bound);
        await using var leecher = new BitTorrent.Wire.Wire(dialled.Connection);
        Assert.Equal(Content.Data, await LeechWithHandshakeAsync(leecher, handshake));

        var (accepted, seeder) = await serving.WaitAsync(Bound);
        await using var _ = seeder;
        var expected = dialPolicy == EncryptionPolicy.Disabled ? CryptoMethods.None : allowed;
        Assert.Equal(expected, accepted.Method);
        Assert.Equal(expected, dialled.Method);
        Assert.Equal(TransportKind.Tcp, seeder.Connection.Kind);
        Assert.Equal(expected == CryptoMethods.Rc4, seeder.Connection.IsEncrypted);
    }

    /// <summary>The dialling side's wire, whose handshake bytes equal what the MSE initial payload already carried.</summary>
    private static Task<byte[]> LeechWithHandshakeAsync(BitTorrent.Wire.Wire wire, byte[] handshake) =>
        WireLeecher.DownloadAsync(wire, Content, dialled: true, Bound, new PeerId(handshake.AsSpan(48, 20)));
}
