using System.Net;
using System.Runtime.CompilerServices;
using BitTorrent.Client.Transport;
using BitTorrent.Encryption;
using BitTorrent.Wire;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitTorrent.Client.Tests;

/// <summary>
/// What an engine keeps after a torrent is removed, found by the swarm soak (bench/BitTorrent.Soak), where leeching
/// engines download, remove and re-add one torrent thousands of times.
/// </summary>
public sealed class RepeatedDownloadTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    // A connection whose close came after its torrent's loop had stopped never gave its engine slot back (the close
    // was posted to a loop that no longer ran): in the soak a leecher ran out of its 200 slots after 235 downloads and
    // refused every connection. Here two engines without data stay connected (neither can complete); the one under test
    // has one slot and its connection's close is held until the torrent is removed, so a lost slot stops the next
    // connection.
    [Fact]
    public async Task A_connection_closed_after_its_torrent_was_removed_gives_its_slot_back()
    {
        using var content = await TestContent.CreateAsync([100_000], pieceLength: 16 * 1024);
        await using var other = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        await other.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.NewDirectory("other") });
        // Outgoing connections only (plaintext first, as the engine's default policy): no torrent table needed.
        var transport = new LateClosingTransport(new TcpPeerTransport([IPAddress.Loopback], 0, new MseOptions(), new MseTorrentTable([]),
            maxIncomingHandshakes: 8, NullLogger.Instance));
        await using var engine = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions() with { MaxConnections = 1, Transport = transport });
        await using var alerts = new AlertWatcher(engine);
        for (int round = 0; round < 3; round++)
        {
            var closes = transport.HoldCloses();
            var before = alerts.Seen.ToHashSet();
            var connected = alerts.WaitForAsync(a => a is PeerConnectedAlert && !before.Contains(a));
            var session = await engine.AddAsync(content.Torrent, new TorrentOptions
            {
                SaveDirectory = content.NewDirectory($"round{round}"),
                Peers = [LoopbackSwarmTests.EndPointOf(other)],
            });
            await connected.WaitAsync(Bound);
            await engine.RemoveAsync(session);
            closes.SetResult();
        }
    }

    // A torrent stopped before it completed faulted the task behind WaitForCompletionAsync; when nobody waited for it,
    // that surfaced as an UnobservedTaskException once the session was collected.
    [Fact]
    public async Task Removing_a_torrent_nobody_waits_on_raises_no_unobserved_task_exception()
    {
        using var content = await TestContent.CreateAsync([100_000], pieceLength: 16 * 1024);
        Assert.Empty(await UnobservedAfterAsync(() => AddAndRemoveUncompletedAsync(content), e => e is TorrentException));
    }

    // A torrent removed while a peer it dialled had not answered the handshake gave up the wait; the wire's close then
    // faulted the handshake task nobody waited on any more (an unobserved IOException "LocalEnd" per such peer in the
    // one-minute swarm soak).
    [Fact]
    public async Task Removing_a_torrent_while_a_dialled_peer_has_not_answered_the_handshake_raises_no_unobserved_task_exception()
    {
        using var content = await TestContent.CreateAsync([100_000], pieceLength: 16 * 1024);
        Assert.Empty(await UnobservedAfterAsync(() => RemoveWhileHandshakingAsync(content),
            e => e is IOException io && io.Message.StartsWith("LocalEnd", StringComparison.Ordinal)));
    }

    /// <summary>
    /// Runs <paramref name="scenario"/>, then collects twice (running finalizers, which report faulted tasks nobody
    /// observed) and returns the unobserved task exceptions that <paramref name="relevant"/> picks.
    /// </summary>
    private static async Task<List<Exception>> UnobservedAfterAsync(Func<Task> scenario, Func<Exception, bool> relevant)
    {
        var unobserved = new List<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
        {
            if (e.Exception.InnerExceptions.Any(relevant)) lock (unobserved) unobserved.Add(e.Exception);
        }
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            await scenario();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }
        lock (unobserved) return [.. unobserved];
    }

    /// <summary>
    /// In an engine of its own (disposed after), dials a listener that answers only the first 20 bytes of the handshake
    /// (enough for the connection to be handed to a wire, which then waits for the rest), removes the torrent once the
    /// wire exists, waits until the wire closed and keeps no reference to the session.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task RemoveWhileHandshakingAsync(TestContent content)
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var transport = new ConnectionSignallingTransport(new TcpPeerTransport([IPAddress.Loopback], 0, new MseOptions(), new MseTorrentTable([]),
            maxIncomingHandshakes: 8, NullLogger.Instance));
        await using var engine = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions() with { Transport = transport });
        var session = await engine.AddAsync(content.Torrent, new TorrentOptions
        {
            SaveDirectory = content.NewDirectory("silent"),
            Peers = [(IPEndPoint)listener.LocalEndpoint],
        });
        using var silent = await listener.AcceptTcpClientAsync().WaitAsync(Bound);
        var stream = silent.GetStream();
        var handshake = new byte[68]; // plaintext first, as the default policy: our BitTorrent handshake
        await stream.ReadExactlyAsync(handshake).AsTask().WaitAsync(Bound);
        await stream.WriteAsync(handshake.AsMemory(0, 20)); // 19, "BitTorrent protocol": a plaintext peer, so far
        await transport.Connected.Task.WaitAsync(Bound);
        await engine.RemoveAsync(session);
        // The end of the stream: the wire has raised Closed and released its connection.
        Assert.Equal(0, await stream.ReadAsync(new byte[1]).AsTask().WaitAsync(Bound));
    }

    /// <summary>
    /// In an engine of its own (disposed after), adds the torrent five times with no data and no peer, so it cannot
    /// complete, and removes it; keeps no reference to the sessions.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task AddAndRemoveUncompletedAsync(TestContent content)
    {
        await using var engine = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        for (int i = 0; i < 5; i++)
        {
            var session = await engine.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.NewDirectory($"empty{i}") });
            await engine.RemoveAsync(session);
        }
    }

    /// <summary>TCP whose outgoing wires, closed by a stopping torrent, raise <c>Closed</c> only once the test lets them.</summary>
    private sealed class LateClosingTransport(IPeerTransport inner) : IPeerTransport
    {
        private Task _gate = Task.CompletedTask;

        public IReadOnlyList<IPEndPoint> LocalEndPoints => inner.LocalEndPoints;

        public WireOptions IncomingOptions
        {
            get => inner.IncomingOptions;
            set => inner.IncomingOptions = value;
        }

        /// <summary>Wires connected from now on hold their close until the returned source is completed.</summary>
        public TaskCompletionSource HoldCloses()
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _gate = gate.Task;
            return gate;
        }

        public Task StartAsync(PeerAccepted accepted, CancellationToken cancellationToken) => inner.StartAsync(accepted, cancellationToken);

        public async ValueTask<Wire.Wire> ConnectAsync(IPEndPoint remote, InfoHash infoHash, ReadOnlyMemory<byte> handshake, WireOptions options,
            CancellationToken cancellationToken)
        {
            var wire = await inner.ConnectAsync(remote, infoHash, handshake, options, cancellationToken);
            var gate = _gate;
            // Raised just before Closed in the close sequence, on the same event loop: waiting here delays Closed. Only the
            // closes of a stopping torrent wait (a refused connection holding the one slot would stall the download).
            wire.PeerChoked += (_, _) =>
            {
                if (wire.CloseReason is { Reason: WireCloseReason.LocalEnd, Message: "stopped" }) gate.Wait(Bound);
            };
            return wire;
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    /// <summary>TCP whose <see cref="Connected"/> completes once a dialled connection has been handed to a wire.</summary>
    private sealed class ConnectionSignallingTransport(IPeerTransport inner) : IPeerTransport
    {
        public TaskCompletionSource Connected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<IPEndPoint> LocalEndPoints => inner.LocalEndPoints;

        public WireOptions IncomingOptions
        {
            get => inner.IncomingOptions;
            set => inner.IncomingOptions = value;
        }

        public Task StartAsync(PeerAccepted accepted, CancellationToken cancellationToken) => inner.StartAsync(accepted, cancellationToken);

        public async ValueTask<Wire.Wire> ConnectAsync(IPEndPoint remote, InfoHash infoHash, ReadOnlyMemory<byte> handshake, WireOptions options,
            CancellationToken cancellationToken)
        {
            var wire = await inner.ConnectAsync(remote, infoHash, handshake, options, cancellationToken);
            Connected.TrySetResult();
            return wire;
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
