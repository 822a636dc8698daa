using System.Net;
using System.Net.Sockets;
using BitTorrent.Encryption;
using BitTorrent.Wire;

namespace BitTorrent.Encryption.Tests;

/// <summary>The connector's second attempt in the other mode, against a loopback listener with a fixed policy.</summary>
public class ConnectorRetryTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly InfoHash Torrent = HandshakeTests.Torrent;

    /// <summary>Accepts connections under one policy, closing refused ones and answering plain handshakes; records every outcome.</summary>
    private sealed class Listener : IAsyncDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public Listener(EncryptionPolicy policy)
        {
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _socket.Listen();
            _loop = Task.Run(async () =>
            {
                var torrents = new MseTorrentTable([Torrent]);
                while (!_stop.IsCancellationRequested)
                {
                    var connection = PeerConnection.FromSocket(await _socket.AcceptAsync(_stop.Token), ConnectionDirection.Incoming);
                    try
                    {
                        var result = await MseHandshake.AcceptAsync(connection, torrents, new MseOptions { Policy = policy }, _stop.Token);
                        Outcomes.Add(result.Method.ToString());
                        if (!result.UsedMse) // answer a plain handshake as a peer would
                            await result.Connection.Transport.Output.WriteAsync(MseConnector.BitTorrentHandshake(Torrent, PeerId.CreateRandom()));
                        Accepted.Add(result.Connection);
                    }
                    catch (MseException ex)
                    {
                        Outcomes.Add(ex.Failure.ToString());
                        await connection.DisposeAsync();
                    }
                }
            });
        }

        public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;

        public System.Collections.Concurrent.ConcurrentBag<string> Outcomes { get; } = [];

        public System.Collections.Concurrent.ConcurrentBag<PeerConnection> Accepted { get; } = [];

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _socket.Dispose();
            await _loop.ContinueWith(_ => { }).WaitAsync(Bound);
            foreach (var connection in Accepted) await connection.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(EncryptionPolicy.Enabled, CryptoMethods.Plaintext, EncryptionPolicy.Required, CryptoMethods.Rc4, "RefusedByPolicy")]
    [InlineData(EncryptionPolicy.Enabled, CryptoMethods.Rc4, EncryptionPolicy.Disabled, CryptoMethods.None, "RefusedByPolicy")]
    [InlineData(EncryptionPolicy.Preferred, CryptoMethods.Plaintext, EncryptionPolicy.Disabled, CryptoMethods.None, "RefusedByPolicy")]
    [InlineData(EncryptionPolicy.Preferred, CryptoMethods.Plaintext, EncryptionPolicy.Enabled, CryptoMethods.Rc4, null)]
    [InlineData(EncryptionPolicy.Enabled, CryptoMethods.Plaintext, EncryptionPolicy.Enabled, CryptoMethods.None, null)]
    public async Task A_refused_first_attempt_is_retried_in_the_other_mode(EncryptionPolicy ours, CryptoMethods first, EncryptionPolicy theirs,
        CryptoMethods expected, string? firstOutcome)
    {
        await using var listener = new Listener(theirs);
        var connector = new MseConnector(new MseOptions { Policy = ours, OutgoingFirst = first });
        var handshake = MseConnector.BitTorrentHandshake(Torrent, PeerId.CreateRandom());
        var result = await connector.ConnectAsync(listener.EndPoint, null, Torrent, handshake).WaitAsync(Bound);
        await using var _ = result.Connection;
        Assert.Equal(expected, result.Method);
        if (firstOutcome is not null) Assert.Contains(firstOutcome, listener.Outcomes);
        else Assert.Single(listener.Outcomes);
    }

    [Theory]
    [InlineData(EncryptionPolicy.Required, EncryptionPolicy.Disabled)]
    [InlineData(EncryptionPolicy.Disabled, EncryptionPolicy.Required)]
    public async Task Without_a_kind_both_sides_allow_the_connection_fails_after_one_attempt(EncryptionPolicy ours, EncryptionPolicy theirs)
    {
        await using var listener = new Listener(theirs);
        var connector = new MseConnector(new MseOptions { Policy = ours });
        var handshake = MseConnector.BitTorrentHandshake(Torrent, PeerId.CreateRandom());
        await Assert.ThrowsAsync<MseException>(() => connector.ConnectAsync(listener.EndPoint, null, Torrent, handshake).WaitAsync(Bound));
        Assert.Single(listener.Outcomes);
    }
}
