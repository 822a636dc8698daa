using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace BitTorrent.Wire;

/// <summary>
/// A connected byte transport to one peer and what the engine needs to know about it: endpoints, direction,
/// transport kind and whether it is encrypted. A <see cref="Wire"/> runs over one. It owns what must be released
/// (socket, stream, an inner connection) and releases it on <see cref="DisposeAsync"/>. A layer such as MSE wraps one
/// connection's pipe into a new connection with <see cref="Wrap"/>.
/// </summary>
public sealed class PeerConnection : IAsyncDisposable
{
    private readonly IAsyncDisposable? _owned;
    private int _disposed;

    private PeerConnection(IDuplexPipe transport, ConnectionDirection direction, TransportKind kind, EndPoint? localEndPoint,
        EndPoint? remoteEndPoint, bool isEncrypted, IAsyncDisposable? owned)
    {
        Transport = transport;
        Direction = direction;
        Kind = kind;
        LocalEndPoint = localEndPoint;
        RemoteEndPoint = remoteEndPoint;
        IsEncrypted = isEncrypted;
        _owned = owned;
    }

    /// <summary>The bytes to and from the peer.</summary>
    public IDuplexPipe Transport { get; }

    /// <summary>Our address on this connection, when known.</summary>
    public EndPoint? LocalEndPoint { get; }

    /// <summary>The peer's address, when known.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>Who opened the connection.</summary>
    public ConnectionDirection Direction { get; }

    /// <summary>The transport under the connection.</summary>
    public TransportKind Kind { get; }

    /// <summary>True when the bytes are encrypted on the way (MSE/PE).</summary>
    public bool IsEncrypted { get; }

    /// <summary>The kind and direction as one value; its text is the seed's <c>type</c> ("tcpIncoming", ...).</summary>
    public WireType Type => new(Kind, Direction);

    /// <summary>A TCP connection over a connected socket, which it owns; the endpoints are the socket's.</summary>
    public static PeerConnection FromSocket(Socket socket, ConnectionDirection direction)
    {
        ArgumentNullException.ThrowIfNull(socket);
        socket.NoDelay = true;
        return new PeerConnection(new SocketDuplexPipe(socket), direction, TransportKind.Tcp, socket.LocalEndPoint,
            socket.RemoteEndPoint, isEncrypted: false, owned: null);
    }

    /// <summary>A connection over a connected stream, which it owns and disposes; the caller states what it is.</summary>
    public static PeerConnection FromStream(Stream stream, ConnectionDirection direction, TransportKind kind,
        EndPoint? localEndPoint = null, EndPoint? remoteEndPoint = null, bool isEncrypted = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new PeerConnection(new StreamDuplexPipe(stream), direction, kind, localEndPoint, remoteEndPoint, isEncrypted, owned: null);
    }

    /// <summary>
    /// A connection over a duplex pipe. Disposal completes both pipe ends, then disposes <paramref name="owner"/>
    /// (for example the transport that feeds the pipe) when given.
    /// </summary>
    public static PeerConnection FromPipe(IDuplexPipe transport, ConnectionDirection direction, TransportKind kind = TransportKind.Memory,
        EndPoint? localEndPoint = null, EndPoint? remoteEndPoint = null, bool isEncrypted = false, IAsyncDisposable? owner = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return new PeerConnection(transport, direction, kind, localEndPoint, remoteEndPoint, isEncrypted, owner);
    }

    /// <summary>
    /// A new connection over <paramref name="transport"/> (a layer over this connection's pipe, such as MSE) with the
    /// same endpoints, direction and kind. Disposing it completes its pipe and then disposes this connection.
    /// </summary>
    public PeerConnection Wrap(IDuplexPipe transport, bool isEncrypted = true)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return new PeerConnection(transport, Direction, Kind, LocalEndPoint, RemoteEndPoint, isEncrypted, owned: this);
    }

    /// <summary>Completes the pipe and releases what this connection owns; calling it again does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            Transport.Output.CancelPendingFlush(); // a write blocked on a peer that does not read must not hold the close
            await Transport.Output.CompleteAsync().ConfigureAwait(false);
            await Transport.Input.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            if (_owned is not null) await _owned.DisposeAsync().ConfigureAwait(false);
        }
    }
}
