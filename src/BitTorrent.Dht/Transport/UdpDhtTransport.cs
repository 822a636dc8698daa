using System.Net;
using System.Net.Sockets;

namespace BitTorrent.Dht;

/// <summary>An <see cref="IDhtTransport"/> over a UDP socket bound to one address and port.</summary>
public sealed class UdpDhtTransport : IDhtTransport
{
    private const int ReceiveBufferSize = 65536;
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private int _started;
    private int _disposed;

    /// <summary>Binds a UDP socket to <paramref name="address"/>:<paramref name="port"/> (port 0 lets the OS choose).</summary>
    /// <exception cref="SocketException">The address or port cannot be bound (for example EADDRINUSE, EACCES).</exception>
    public UdpDhtTransport(int port = 0, IPAddress? address = null)
    {
        address ??= IPAddress.Any;
        _socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                _socket.DualMode = false;
            }
            DisableConnectionResetReports(_socket);
            _socket.Bind(new IPEndPoint(address, port));
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    /// <inheritdoc />
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Raised when a receive fails for a reason other than shutdown (the loop keeps running).</summary>
    public event EventHandler<SocketException>? ReceiveError;

    /// <inheritdoc />
    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination)
    {
        if (Volatile.Read(ref _disposed) != 0 || destination.AddressFamily != _socket.AddressFamily)
        {
            return;
        }
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, destination);
        }
        catch (SocketException)
        {
            // Unreachable destinations are dropped, as UDP would.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <inheritdoc />
    public void Start(DatagramHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The transport is already started.");
        }
        _ = ReceiveLoopAsync(handler, _stop.Token);
    }

    private async Task ReceiveLoopAsync(DatagramHandler handler, CancellationToken cancellationToken)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(ReceiveBufferSize, pinned: true);
        EndPoint any = _socket.AddressFamily == AddressFamily.InterNetworkV6
            ? new IPEndPoint(IPAddress.IPv6Any, 0)
            : new IPEndPoint(IPAddress.Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                if (Volatile.Read(ref _disposed) != 0)
                {
                    return;
                }
                ReceiveError?.Invoke(this, ex);
                continue;
            }
            var source = (IPEndPoint)result.RemoteEndPoint;
            if (source.Address.IsIPv4MappedToIPv6)
            {
                source = new IPEndPoint(source.Address.MapToIPv4(), source.Port);
            }
            handler(buffer.AsSpan(0, result.ReceivedBytes), source);
        }
    }

    private static void DisableConnectionResetReports(Socket socket)
    {
        if (OperatingSystem.IsWindows())
        {
            const int SioUdpConnReset = -1744830452;
            socket.IOControl(SioUdpConnReset, [0, 0, 0, 0], null);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _stop.Cancel();
        _socket.Dispose();
        _stop.Dispose();
    }
}
