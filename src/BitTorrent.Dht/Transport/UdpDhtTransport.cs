using System.Net;
using System.Net.Sockets;

namespace BitTorrent.Dht;

/// <summary>An <see cref="IDhtTransport"/> over a UDP socket bound to one address and port.</summary>
public sealed class UdpDhtTransport : IDhtTransport
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeProvider _time;
    private int _started;
    private int _disposed;

    /// <summary>Binds a UDP socket to <paramref name="address"/>:<paramref name="port"/> (port 0 lets the OS choose).</summary>
    /// <param name="port">The UDP port (0: any).</param>
    /// <param name="address">The local address (null: <see cref="IPAddress.Any"/>).</param>
    /// <param name="timeProvider">The clock the receive loop backs off on after socket errors (null: the system clock).</param>
    /// <exception cref="SocketException">The address or port cannot be bound (for example EADDRINUSE, EACCES).</exception>
    public UdpDhtTransport(int port = 0, IPAddress? address = null, TimeProvider? timeProvider = null)
    {
        address ??= IPAddress.Any;
        _time = timeProvider ?? TimeProvider.System;
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

    /// <summary>Raised on the receive loop when a receive fails for a reason other than shutdown. The loop keeps running,
    /// backing off while errors repeat (10 ms doubling to 1 s, reset by the next datagram); a handler must not block.</summary>
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
        EndPoint any = _socket.AddressFamily == AddressFamily.InterNetworkV6
            ? new IPEndPoint(IPAddress.IPv6Any, 0)
            : new IPEndPoint(IPAddress.Any, 0);
        var loop = new UdpReceiveLoop(
            (buffer, cancellationToken) => _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken),
            handler,
            ex =>
            {
                if (Volatile.Read(ref _disposed) == 0)
                {
                    ReceiveError?.Invoke(this, ex);
                }
            },
            _time);
        _ = loop.RunAsync(_stop.Token);
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
