using System.Net;
using System.Net.Sockets;
using BitTorrent.Wire;
using Microsoft.Extensions.Logging;

namespace BitTorrent.Client.Transport;

/// <summary>TCP: one listening socket per address, all on one port; outgoing connections from any local address.</summary>
internal sealed class TcpPeerTransport(IReadOnlyList<IPAddress> addresses, int port, ILogger logger) : IPeerTransport
{
    private readonly List<Socket> _listeners = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _acceptLoops = [];
    private IReadOnlyList<IPEndPoint> _localEndPoints = [];

    /// <inheritdoc />
    public IReadOnlyList<IPEndPoint> LocalEndPoints => _localEndPoints;

    /// <inheritdoc />
    public WireOptions IncomingOptions { get; set; } = new();

    /// <inheritdoc />
    public Task StartAsync(Action<Wire.Wire, IPEndPoint> accepted, CancellationToken cancellationToken)
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

    private async Task AcceptLoopAsync(Socket listener, Action<Wire.Wire, IPEndPoint> accepted)
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
            var remote = (IPEndPoint)socket.RemoteEndPoint!;
            accepted(new Wire.Wire(socket, IncomingOptions), Normalize(remote));
        }
    }

    /// <inheritdoc />
    public async ValueTask<Wire.Wire> ConnectAsync(IPEndPoint remote, WireOptions options, CancellationToken cancellationToken)
    {
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(remote, cancellationToken).ConfigureAwait(false);
            return new Wire.Wire(socket, options);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
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
        _stopping.Dispose();
    }
}
