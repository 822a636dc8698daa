using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitTorrent.Wire;

/// <summary>
/// One BitTorrent peer connection (BEP 3) with the Fast Extension (BEP 6) and the Extension Protocol (BEP 10):
/// the .NET counterpart of the npm <c>bittorrent-protocol</c> Wire, running over a <see cref="PeerConnection"/>.
/// <para>
/// Threading contract: sending methods may be called from any thread. Events, extension hooks and
/// <see cref="RequestHandler"/> calls of one wire never run concurrently with each other and never run inline on a
/// thread that called a wire method (inbound messages raise theirs on the read loop; timers, answers completed
/// elsewhere and the close post theirs to the thread pool under the same event lock). A request's continuation
/// (<see cref="RequestAsync(int, int, int, CancellationToken)"/>) runs on the event loop when the peer's answer or the
/// close completes it, and on the thread pool when a cancel or timeout does. Nothing is raised after <see cref="Closed"/>.
/// </para>
/// </summary>
public sealed partial class Wire : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly PipeReader _input;
    private readonly Outbound _outbound;
    private readonly WireOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _closing = new();
    private readonly SpeedMeter _uploadMeter;
    private readonly SpeedMeter _downloadMeter;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closeDeadline = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _closeTimer;
    private int _started;
    private bool _closed;
    private ITimer? _keepAliveTimer;
    private long _uploaded;
    private long _downloaded;

    /// <summary>
    /// A wire over <paramref name="connection"/>, which it owns and disposes when it closes. Endpoints, direction,
    /// transport kind and encryption are read from it (<see cref="Connection"/>).
    /// </summary>
    public Wire(PeerConnection connection, WireOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        _options = options ?? new WireOptions();
        _input = connection.Transport.Input;
        var output = connection.Transport.Output;
        _outbound = new Outbound(async memory =>
        {
            var result = await output.WriteAsync(memory).ConfigureAwait(false);
            if (result.IsCompleted || result.IsCanceled) throw new IOException("the transport stopped accepting bytes");
        }, _options.MaxOutboundBytes, OnOutboundWritten, OnOutboundOverflow);
        _logger = (_options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<Wire>();
        _uploadMeter = new SpeedMeter(_options.TimeProvider);
        _downloadMeter = new SpeedMeter(_options.TimeProvider);
        PeerPieces = new BitField(0, _options.PieceCount ?? BitField.DefaultMaxLength);
        if (_options.PieceCount is int count) PeerPieces.SetLength(count);
        _pieceCount = _options.PieceCount;
        _peerQueueLimit = _options.DefaultPeerRequestQueue;
        _returnRequest = request =>
        {
            lock (_gate) if (_requestPool.Count < 4096) _requestPool.Push(request);
        };
    }

    /// <summary>
    /// A wire over an accepted (incoming) connected socket, which it owns; the endpoints are taken from the socket.
    /// Same as <c>new Wire(PeerConnection.FromSocket(socket, ConnectionDirection.Incoming), options)</c>.
    /// </summary>
    public Wire(Socket socket, WireOptions? options = null)
        : this(PeerConnection.FromSocket(socket, ConnectionDirection.Incoming), options)
    {
    }

    /// <summary>
    /// A wire over a connected stream, which it owns and disposes: an incoming connection, TCP with the socket's
    /// endpoints for a <see cref="NetworkStream"/>, otherwise <see cref="TransportKind.Memory"/> without endpoints.
    /// Use <see cref="PeerConnection.FromStream"/> to state them.
    /// </summary>
    public Wire(Stream stream, WireOptions? options = null)
        : this(stream is NetworkStream network
            ? PeerConnection.FromStream(network, ConnectionDirection.Incoming, TransportKind.Tcp, network.Socket.LocalEndPoint, network.Socket.RemoteEndPoint)
            : PeerConnection.FromStream(stream ?? throw new ArgumentNullException(nameof(stream)), ConnectionDirection.Incoming, TransportKind.Memory),
            options)
    {
    }

    /// <summary>
    /// A wire over a duplex pipe (in-memory transports, tests): an incoming <see cref="TransportKind.Memory"/>
    /// connection without endpoints; closing the wire completes both pipe ends. Use <see cref="PeerConnection.FromPipe"/>
    /// to state what the pipe is.
    /// </summary>
    public Wire(IDuplexPipe transport, WireOptions? options = null)
        : this(PeerConnection.FromPipe(transport, ConnectionDirection.Incoming), options)
    {
    }

    /// <summary>Connects to <paramref name="endPoint"/> over TCP and returns a started wire.</summary>
    public static Task<Wire> ConnectAsync(IPEndPoint endPoint, WireOptions? options = null, CancellationToken cancellationToken = default) =>
        ConnectAsync(endPoint, localEndPoint: null, options, cancellationToken);

    /// <summary>
    /// Connects to <paramref name="endPoint"/> over TCP from <paramref name="localEndPoint"/> (a local address to bind,
    /// for multi-homed hosts or VPN binding; port 0 picks any) and returns a started wire.
    /// </summary>
    public static async Task<Wire> ConnectAsync(IPEndPoint endPoint, IPEndPoint? localEndPoint, WireOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (localEndPoint is not null) socket.Bind(localEndPoint);
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var wire = new Wire(PeerConnection.FromSocket(socket, ConnectionDirection.Outgoing), options);
        wire.Start();
        return wire;
    }

    /// <summary>The connection this wire runs over: endpoints, direction, transport kind, encryption.</summary>
    public PeerConnection Connection { get; }

    /// <summary>The connection's kind and direction; its text is the seed's <c>type</c> ("tcpIncoming", ...).</summary>
    public WireType Type => Connection.Type;

    /// <summary>The clock this wire uses.</summary>
    public TimeProvider TimeProvider => _options.TimeProvider;

    /// <summary>The options this wire was created with.</summary>
    public WireOptions Options => _options;

    /// <summary>The peer's address, when the connection knows it (<see cref="PeerConnection.RemoteEndPoint"/>).</summary>
    public EndPoint? RemoteEndPoint => Connection.RemoteEndPoint;

    /// <summary>Our address on this connection, when the connection knows it (<see cref="PeerConnection.LocalEndPoint"/>).</summary>
    public EndPoint? LocalEndPoint => Connection.LocalEndPoint;

    /// <summary>True once the wire closed (by either side or on a protocol error).</summary>
    public bool IsClosed
    {
        get { lock (_gate) return _closed; }
    }

    /// <summary>Why the wire closed, once it has.</summary>
    public WireClosedEventArgs? CloseReason { get; private set; }

    /// <summary>Completes when the wire has closed and released its transport.</summary>
    public Task Completion => _finished.Task;

    /// <summary>Bytes waiting to be sent to the peer (queued or being written).</summary>
    public long QueuedBytes => _outbound.Buffered;

    /// <summary>Payload bytes sent in piece messages, counted as each block enters the send buffer (at most
    /// <see cref="QueuedBytes"/> ahead of what the socket has taken).</summary>
    public long Uploaded => Interlocked.Read(ref _uploaded);

    /// <summary>Payload bytes received in piece messages.</summary>
    public long Downloaded => Interlocked.Read(ref _downloaded);

    /// <summary>Upload speed in bytes per second over the last 5 seconds.</summary>
    public double UploadSpeed => _uploadMeter.BytesPerSecond;

    /// <summary>Download speed in bytes per second over the last 5 seconds.</summary>
    public double DownloadSpeed => _downloadMeter.BytesPerSecond;

    /// <summary>We sent piece payload bytes (raised as the block enters the send buffer; see <see cref="Uploaded"/>).</summary>
    public event EventHandler<TransferEventArgs>? Upload;

    /// <summary>We received piece payload bytes.</summary>
    public event EventHandler<TransferEventArgs>? Download;

    /// <summary>The wire closed; raised once, with the reason.</summary>
    public event EventHandler<WireClosedEventArgs>? Closed;

    /// <summary>Starts reading and sending. Call it after subscribing to events; calling it again does nothing.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) return;
        StartTimeouts();
        var send = Task.Run(RunSendLoopAsync);
        var read = Task.Run(ReadLoopAsync);
        _ = FinishAsync(read, send);
    }

    /// <summary>Sends keep-alive messages every 55 seconds (the seed's interval) while <paramref name="enable"/> is true.</summary>
    public void SetKeepAlive(bool enable)
    {
        lock (_gate)
        {
            _keepAliveTimer?.Dispose();
            _keepAliveTimer = null;
            if (!enable || _closed) return;
            _keepAliveTimer = TimeProvider.CreateTimer(_ => KeepAlive(), null, KeepAliveInterval, KeepAliveInterval);
        }
    }

    /// <summary>The keep-alive interval: 55 s, as the seed's code (its README says 60 s).</summary>
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(55);

    /// <summary>
    /// Ends the wire gracefully, as the seed's <c>end()</c>: raises a synthesized uninterested and choke from the peer
    /// (failing pending requests without Fast), fails the rest with <see cref="WireRequestFailure.Closed"/>, raises
    /// <see cref="Closed"/>, flushes what is queued (at most <see cref="WireOptions.CloseTimeout"/>) and disposes the
    /// connection. Returns at once; <see cref="Completion"/> (or <see cref="DisposeAsync"/>) waits for the end.
    /// </summary>
    public void End() => Close(WireCloseReason.LocalEnd);

    /// <summary>Same as <see cref="End"/> (the seed's <c>destroy()</c> calls <c>end()</c>).</summary>
    public void Destroy() => Close(WireCloseReason.LocalEnd);

    /// <summary>Closes the wire with a typed reason (extensions use it for peers that break their protocol).</summary>
    public void Close(WireCloseReason reason, string? message = null) => Close(reason, message, null);

    /// <summary>Ends the wire and waits until the transport is released.</summary>
    public async ValueTask DisposeAsync()
    {
        End();
        if (Volatile.Read(ref _started) == 0) await FinishAsync(Task.CompletedTask, Task.CompletedTask).ConfigureAwait(false);
        await _finished.Task.ConfigureAwait(false);
    }

    private void Close(WireCloseReason reason, string? message, Exception? exception)
    {
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            CloseReason = new WireClosedEventArgs(reason, message, exception);
            _keepAliveTimer?.Dispose();
            _keepAliveTimer = null;
            _timeoutTimer?.Dispose();
            _timeoutTimer = null;
            StopTimeouts();
            // Armed here, not when the close sequence gets to it: the deadline counts from End() on the wire's clock.
            if (reason == WireCloseReason.LocalEnd)
                _closeTimer = TimeProvider.CreateTimer(static s => ((Wire)s!)._closeDeadline.TrySetResult(), this,
                    _options.CloseTimeout, Timeout.InfiniteTimeSpan);
        }
        if (reason == WireCloseReason.LocalEnd) _logger.LogDebug("wire closed by us");
        else _logger.LogDebug("wire closed: {Reason} {Message}", reason, message);

        if (reason == WireCloseReason.LocalEnd) _outbound.Complete();
        else _outbound.Stop();
        _closing.Cancel();
        PostClosing();
    }

    /// <summary>The peer let more than <see cref="WireOptions.MaxOutboundBytes"/> pile up; close off the sender's locks.</summary>
    private void OnOutboundOverflow() =>
        ThreadPool.UnsafeQueueUserWorkItem(static wire => wire.Close(WireCloseReason.SendBufferFull,
            $"more than {wire._options.MaxOutboundBytes} bytes waited to be sent: the peer does not read", null), this, preferLocal: false);

    private async Task RunSendLoopAsync()
    {
        try
        {
            await _outbound.RunAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            Close(WireCloseReason.TransportError, ex.Message, ex);
        }
    }

    private async Task FinishAsync(Task read, Task send)
    {
        try
        {
            // A graceful end flushes what is queued, but a peer that stops reading cannot hold the wire open.
            await _closing.Token.WhenCanceled().ConfigureAwait(false);
            if (CloseReason?.Reason == WireCloseReason.LocalEnd
                && await Task.WhenAny(send, _closeDeadline.Task).ConfigureAwait(false) != send)
                _outbound.Stop();
        }
        finally
        {
            lock (_gate) _closeTimer?.Dispose();
            await read.ConfigureAwait(false);
            await _closedRaised.Task.ConfigureAwait(false);
            try
            {
                await Connection.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
                _logger.LogDebug(ex, "closing the transport failed");
            }
            _finished.TrySetResult();
        }
    }
}

internal static class CancellationTokenExtensions
{
    public static Task WhenCanceled(this CancellationToken token)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), tcs);
        return tcs.Task;
    }
}
