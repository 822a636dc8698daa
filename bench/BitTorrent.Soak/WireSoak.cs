using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using BitTorrent.Wire;
using WireConnection = BitTorrent.Wire.Wire;

namespace BitTorrent.Soak;

/// <summary>
/// <c>Wires / 2</c> loopback TCP connections with one of our wires at each end. Each wire serves its own stream of
/// <see cref="BlockContent"/> and requests the peer's stream block after block, <see cref="SoakOptions.Depth"/> at a
/// time, into its own buffers, comparing every block with the bytes it should be.
/// </summary>
internal sealed class WireSoak(SoakOptions options, SoakCounters counters) : ISoakWorkload
{
    private static readonly TimeSpan SetupBound = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(30);

    private readonly BlockContent _content = new(seed: 14);
    private readonly List<WireConnection> _wires = [];
    private readonly List<Task> _pumps = [];
    private readonly TokenBucketRateLimiter? _pace = Pace(options);
    private long[] _verifiedPerWire = [];
    private volatile bool _stopping;

    public string Description =>
        $"wires: {_wires.Count} wires on {_wires.Count / 2} loopback TCP connections, {options.Depth} requests of {BlockContent.Block / 1024} KiB in flight per wire, both directions{(options.MegabytesPerSecond > 0 ? $", capped at {options.MegabytesPerSecond} MB/s" : "")}";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        int connections = Math.Max(1, options.Wires / 2);
        var wireOptions = new WireOptions { PieceCount = BlockContent.PieceCount };
        var hash = InfoHash.Parse("1414141414141414141414141414141414141414");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(connections);
        var unchoked = new List<Task>();
        for (int c = 0; c < connections; c++)
        {
            var accept = listener.AcceptSocketAsync(cancellationToken);
            var a = await WireConnection.ConnectAsync((IPEndPoint)listener.LocalEndpoint, wireOptions, cancellationToken).ConfigureAwait(false);
            _wires.Add(a);
            var b = new WireConnection(await accept.ConfigureAwait(false), wireOptions);
            _wires.Add(b);
            unchoked.Add(Prepare(a, stream: 2 * c));
            unchoked.Add(Prepare(b, stream: 2 * c + 1));
            b.HandshakeReceived += (_, _) =>
            {
                b.Handshake(hash, PeerId.CreateRandom());
                b.Interested(); // after its handshake: nothing may precede it on the wire
            };
            b.Start();
            a.Start();
            a.Handshake(hash, PeerId.CreateRandom());
            a.Interested();
        }
        await Task.WhenAll(unchoked).WaitAsync(SetupBound, cancellationToken).ConfigureAwait(false);
        _verifiedPerWire = new long[_wires.Count];
        for (int w = 0; w < _wires.Count; w++)
        {
            int wire = w;
            // The peer of wire w is w ^ 1 and serves stream w ^ 1.
            _pumps.Add(Task.Run(() => PumpAsync(wire, peerStream: (wire ^ 1) % BlockContent.MaxStreams), CancellationToken.None));
        }
    }

    /// <summary>Serves <paramref name="stream"/>, unchokes an interested peer; completes when the peer unchokes us.</summary>
    private Task Prepare(WireConnection wire, int stream)
    {
        stream %= BlockContent.MaxStreams;
        wire.RequestHandler = (r, _) => ValueTask.FromResult(_content.Get(stream, r.Index, r.Begin));
        wire.PeerInterestedReceived += (_, _) => wire.Unchoke();
        wire.Closed += (_, e) =>
        {
            if (!_stopping) counters.Failure($"wire {stream} closed: {e.Reason} {e.Message}");
        };
        var unchoked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        wire.PeerUnchoked += (_, _) => unchoked.TrySetResult();
        return unchoked.Task;
    }

    /// <summary>Requests the peer's blocks in order, <see cref="SoakOptions.Depth"/> in flight, verifying each, until stopped.</summary>
    private async Task PumpAsync(int w, int peerStream)
    {
        var wire = _wires[w];
        int depth = options.Depth;
        var ring = new byte[depth][];
        for (int i = 0; i < depth; i++) ring[i] = new byte[BlockContent.Block];
        var inFlight = new Queue<(ValueTask<int> Length, long Block)>(depth);
        long next = 0;
        try
        {
            while (true)
            {
                while (!_stopping && inFlight.Count < depth)
                {
                    if (_pace is not null) (await _pace.AcquireAsync().ConfigureAwait(false)).Dispose();
                    var (index, begin) = Locate(next);
                    inFlight.Enqueue((wire.RequestAsync(index, begin, ring[next % depth]), next));
                    next++;
                }
                if (inFlight.Count == 0) return;
                var (pending, block) = inFlight.Dequeue();
                int length = await pending.ConfigureAwait(false);
                var (i, b) = Locate(block);
                var received = ring[block % depth].AsSpan(0, length);
                if (received.SequenceEqual(_content.Get(peerStream, i, b).Span))
                {
                    counters.Verified(length);
                    Interlocked.Add(ref _verifiedPerWire[w], length);
                }
                else counters.Mismatch($"wire {w}: the block at {b} of piece {i} ({length} B) differs from stream {peerStream}");
            }
        }
        catch (WireRequestException e)
        {
            if (!_stopping) counters.Failure($"wire {w}: request failed: {e.Message}");
        }
    }

    /// <summary>A bucket of one block per token refilled every 100 ms at <see cref="SoakOptions.MegabytesPerSecond"/>; null when uncapped.</summary>
    private static TokenBucketRateLimiter? Pace(SoakOptions options)
    {
        if (options.MegabytesPerSecond <= 0) return null;
        int blocksPerTick = Math.Max(1, (int)(options.MegabytesPerSecond * 1e6 / BlockContent.Block / 10));
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = blocksPerTick,
            TokensPerPeriod = blocksPerTick,
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    private static (int Index, int Begin) Locate(long block)
    {
        long inStream = block % (BlockContent.PieceCount * BlockContent.BlocksPerPiece);
        return ((int)(inStream / BlockContent.BlocksPerPiece), (int)(inStream % BlockContent.BlocksPerPiece) * BlockContent.Block);
    }

    public async Task StopAsync()
    {
        _stopping = true;
        await Task.WhenAll(_pumps).WaitAsync(StopBound).ConfigureAwait(false);
        foreach (var wire in _wires) wire.End();
        await Task.WhenAll(_wires.Select(w => w.Completion)).WaitAsync(StopBound).ConfigureAwait(false);
    }

    public IReadOnlyList<SoakCheck> FinalChecks()
    {
        int idle = _verifiedPerWire.Count(v => v == 0);
        return
        [
            new("every wire verified blocks", _wires.Count > 0 && idle == 0,
                $"{_wires.Count - idle} of {_wires.Count}; least {(_verifiedPerWire.Length == 0 ? 0 : _verifiedPerWire.Min()):N0} B, most {(_verifiedPerWire.Length == 0 ? 0 : _verifiedPerWire.Max()):N0} B"),
        ];
    }

    public async ValueTask DisposeAsync()
    {
        _pace?.Dispose();
        foreach (var wire in _wires) await wire.DisposeAsync().ConfigureAwait(false);
    }
}
