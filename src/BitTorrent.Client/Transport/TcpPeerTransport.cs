using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using BitTorrent.Encryption;
using BitTorrent.Wire;
using Microsoft.Extensions.Logging;

namespace BitTorrent.Client.Transport;

/// <summary>
/// TCP: one listening socket per address, all on one port; outgoing connections from any local address. Every
/// connection goes through MSE under <paramref name="encryption"/>: outgoing ones through an <see cref="MseConnector"/>
/// (plaintext or MSE first, the other on failure when the policy allows), incoming ones are told apart by their first
/// bytes and an MSE peer's torrent is found in <paramref name="torrents"/> (kept in sync by the engine). At most
/// <paramref name="maxIncomingHandshakes"/> incoming handshakes run at once; each is bounded by the handshake timeout.
/// </summary>
internal sealed class TcpPeerTransport(IReadOnlyList<IPAddress> addresses, int port, MseOptions encryption, MseTorrentTable torrents,
    int maxIncomingHandshakes, ILogger logger) : IPeerTransport
{
    private readonly List<Socket> _listeners = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _acceptLoops = [];
    private readonly ConcurrentDictionary<Task, bool> _incomingHandshakes = new();
    private readonly MseConnector _connector = new(encryption);
    private IReadOnlyList<IPEndPoint> _localEndPoints = [];

    /// <inheritdoc />
    public IReadOnlyList<IPEndPoint> LocalEndPoints => _localEndPoints;

    /// <inheritdoc />
    public WireOptions IncomingOptions { get; set; } = new();

    /// <inheritdoc />
    public Task StartAsync(PeerAccepted accepted, CancellationToken cancellationToken)
    {
        int chosen = port;
        var endPoints = new List<IPEndPoint>();
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (address.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = false;
                socket.Bind(new IPEndPoint(address, chosen));
                socket.Listen(128);
            }
            catch (SocketException ex) when (chosen == 0 || _listeners.Count > 0)
            {
                // A second family that is unavailable (no IPv6 on the host) does not stop the engine.
                logger.LogWarning(ex, "cannot listen on {Address}:{Port}", address, chosen);
                socket.Dispose();
                continue;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            var local = (IPEndPoint)socket.LocalEndPoint!;
            chosen = local.Port;
            endPoints.Add(local);
            _listeners.Add(socket);
        }
        if (_listeners.Count == 0) throw new SocketException((int)SocketError.AddressNotAvailable);
        _localEndPoints = endPoints;
        foreach (var listener in _listeners) _acceptLoops.Add(AcceptLoopAsync(listener, accepted));
        return Task.CompletedTask;
    }

    private async Task AcceptLoopAsync(Socket listener, PeerAccepted accepted)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                logger.LogDebug(ex, "accept failed");
                continue;
            }
            if (_incomingHandshakes.Count >= maxIncomingHandshakes)
            {
                logger.LogDebug("{Remote} refused: {Count} incoming handshakes already running", socket.RemoteEndPoint, maxIncomingHandshakes);
                socket.Dispose();
                continue;
            }
            // The handshake runs beside the accept loop, so a slow or hostile peer never delays the next one.
            var handshake = HandshakeIncomingAsync(socket, accepted);
            _incomingHandshakes.TryAdd(handshake, true);
            _ = handshake.ContinueWith(static (t, s) => ((ConcurrentDictionary<Task, bool>)s!).TryRemove(t, out _), _incomingHandshakes,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>Plaintext or MSE, as the first bytes say and the policy allows; a refused or failed one is closed here.</summary>
    private async Task HandshakeIncomingAsync(Socket socket, PeerAccepted accepted)
    {
        await Task.Yield(); // off the accept loop
        PeerConnection? connection = null;
        IPEndPoint remote;
        MseHandshakeResult result;
        try
        {
            connection = PeerConnection.FromSocket(socket, ConnectionDirection.Incoming);
            remote = Normalize((IPEndPoint)connection.RemoteEndPoint!);
            result = await MseHandshake.AcceptAsync(connection, torrents, encryption, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            logger.LogDebug("incoming connection closed before its handshake: {Reason}", ex.Message);
            if (connection is null) socket.Dispose();
            else await connection.DisposeAsync().ConfigureAwait(false);
            return;
        }
        accepted(new Wire.Wire(result.Connection, IncomingOptions), remote, result.InfoHash);
    }

    /// <inheritdoc />
    public async ValueTask<Wire.Wire> ConnectAsync(IPEndPoint remote, InfoHash infoHash, ReadOnlyMemory<byte> handshake, WireOptions options,
        CancellationToken cancellationToken)
    {
        var connected = await _connector.ConnectAsync(remote, null, infoHash, handshake, cancellationToken).ConfigureAwait(false);
        return new Wire.Wire(connected.Connection, options);
    }

    /// <summary>An IPv4-mapped IPv6 address as plain IPv4.</summary>
    internal static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        foreach (var listener in _listeners) listener.Dispose();
        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
        await Task.WhenAll(_incomingHandshakes.Keys).ConfigureAwait(false);
        _stopping.Dispose();
    }
}
