using System.Net;
using System.Net.Sockets;
using BitTorrent.Encryption;
using BitTorrent.Wire;

namespace BitTorrent.Encryption.Tests;

/// <summary>The README's MSE example, run (on a free port instead of 6881).</summary>
public class ReadmeExampleTests
{
    [Fact]
    public async Task The_readme_example_connects_over_RC4()
    {
        var infoHash = InfoHash.Parse("e3811b9539cacff680e418124272177c47477157");
        var options = new MseOptions { Policy = EncryptionPolicy.Required };   // or Disabled, Enabled, Preferred

        // Incoming: one port for plaintext and MSE peers; torrents are found by HASH('req2', info hash).
        var torrents = new MseTorrentTable([infoHash]);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var served = new TaskCompletionSource<Wire.Wire>();
        _ = Task.Run(async () =>
        {
            var socket = await listener.AcceptSocketAsync();
            var plain = PeerConnection.FromSocket(socket, ConnectionDirection.Incoming);
            try
            {
                var accepted = await MseHandshake.AcceptAsync(plain, torrents, options);
                var incoming = new Wire.Wire(accepted.Connection);      // accepted.IsEncrypted, accepted.InfoHash
                incoming.HandshakeReceived += (_, e) => incoming.Handshake(e.InfoHash, PeerId.CreateRandom());
                incoming.Start();
                served.SetResult(incoming);
            }
            catch (MseException ex)   // ex.Failure: Timeout, SynchronisationFailed, InvalidPublicKey, RefusedByPolicy, ...
            {
                await plain.DisposeAsync();
                served.SetException(ex);
            }
        });

        // Outgoing: dial, run MSE or plaintext as the policy says, retry in the other mode when it allows.
        var peerId = PeerId.CreateRandom();
        var handshake = MseConnector.BitTorrentHandshake(infoHash, peerId, WireExtensions.Fast); // MSE's initial payload
        var connected = await new MseConnector(options).ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), null, infoHash, handshake);
        await using var wire = new Wire.Wire(connected.Connection);
        var answered = new TaskCompletionSource();
        wire.HandshakeReceived += (_, _) => answered.TrySetResult();
        wire.Start();
        wire.Handshake(infoHash, peerId, WireExtensions.Fast);                // the same bytes: not sent twice

        await answered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await using var incoming = await served.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(CryptoMethods.Rc4, connected.Method);
        Assert.True(wire.Connection.IsEncrypted);
        Assert.True(incoming.Connection.IsEncrypted);
        Assert.Equal(peerId, incoming.PeerId);
    }
}
