using System.IO.Pipelines;
using System.Net;
using BitTorrent.Wire;
using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Client.Tests.Simulation;

/// <summary>
/// An in-memory network of engines on one virtual clock. Hosts listen on fake addresses (10.0.0.n); a connection is
/// two <see cref="SimulatedLink"/>s whose rate is set per direction between two hosts (unlimited by default). Time moves
/// only in <see cref="RunAsync"/>: in steps of <see cref="Step"/>, each advancing the clock (the engines' timers fire),
/// letting every link deliver its share, and then waiting for the engines to go quiet (<see cref="SettleAsync"/>).
/// Every delivered peer wire message is recorded in <see cref="Messages"/>.
/// </summary>
internal sealed class SimulatedNetwork
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly object _gate = new();
    private readonly Dictionary<IPEndPoint, SimulatedPeerTransport> _listeners = [];
    private readonly List<SimulatedLink> _links = [];
    private readonly List<(TorrentSession Session, SimulatedStorage Storage)> _sessions = [];
    private readonly Dictionary<(IPAddress, IPAddress), long> _rates = [];
    private readonly List<TappedMessage> _messages = [];
    private readonly List<string> _connections = [];
    private int _hosts;
    private int _nextEphemeralPort = 40000;
    private long _activity;

    /// <summary>The clock of every engine on the network.</summary>
    public FakeTimeProvider Clock { get; } = new(Epoch);

    /// <summary>How far each step of <see cref="RunAsync"/> moves the clock (default 100 ms).</summary>
    public TimeSpan Step { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Virtual time since the network was created.</summary>
    public TimeSpan Elapsed => Clock.GetUtcNow() - Epoch;

    /// <summary>The virtual time of <paramref name="time"/> on <see cref="Clock"/> (an alert's time, say).</summary>
    public TimeSpan ElapsedAt(DateTimeOffset time) => time - Epoch;

    /// <summary>Every peer wire message delivered so far, in delivery order.</summary>
    public IReadOnlyList<TappedMessage> Messages
    {
        get { lock (_messages) return [.. _messages]; }
    }

    /// <summary>
    /// A new host address. Every host gets its own port as well (6881 + n): the engine never dials an address with its
    /// own listen port on one of the machine's real addresses, so distinct ports keep the fake ones clear of it.
    /// </summary>
    public IPEndPoint NextEndPoint()
    {
        int n = Interlocked.Increment(ref _hosts);
        return new IPEndPoint(new IPAddress([10, 0, 0, (byte)n]), 6880 + n);
    }

    /// <summary>Sets the rate from <paramref name="from"/> to <paramref name="to"/> (bytes per virtual second, 0 unlimited), for
    /// connections open now and later.</summary>
    public void SetRate(IPEndPoint from, IPEndPoint to, long bytesPerSecond)
    {
        lock (_gate)
        {
            _rates[(from.Address, to.Address)] = bytesPerSecond;
            foreach (var link in _links)
                if (link.From.Equals(from) && link.To.Equals(to)) link.BytesPerSecond = bytesPerSecond;
        }
    }

    /// <summary>Runs <paramref name="duration"/> of virtual time in steps; stops early once <paramref name="until"/> holds
    /// after a step. Returns whether <paramref name="until"/> held (true when none is given).</summary>
    public async Task<bool> RunAsync(TimeSpan duration, Func<bool>? until = null, Action? afterEachStep = null)
    {
        await SettleAsync();
        if (until?.Invoke() == true) return true;
        for (var run = TimeSpan.Zero; run < duration; run += Step)
        {
            Clock.Advance(Step);
            SimulatedLink[] links;
            lock (_gate)
            {
                _links.RemoveAll(l => l.Finished);
                links = [.. _links];
            }
            foreach (var link in links) link.Replenish(Step);
            await SettleAsync();
            afterEachStep?.Invoke();
            if (until?.Invoke() == true) return true;
        }
        return until is null;
    }

    /// <summary>
    /// Waits until the engines are quiet: every receiver has looked at every byte delivered to it and nothing on the
    /// network (a write, a delivery, a read, a storage operation, an alert) happened for <see cref="QuietRounds"/> trips
    /// through the thread pool's global queue, behind whatever the engines queued meanwhile. No sleeps: virtual time
    /// never moves while an engine still reacts to the last step. <see cref="SimulatedSwarm.Bound"/> of wall-clock time
    /// is only a safety bound (a wedged engine fails the test instead of hanging it).
    /// </summary>
    public async Task SettleAsync()
    {
        using var safety = new CancellationTokenSource(SimulatedSwarm.Bound);
        long seen = -1;
        int quiet = 0;
        while (quiet < QuietRounds)
        {
            if (safety.IsCancellationRequested) throw new TimeoutException($"the simulated engines never went quiet:\n{Describe()}");
            await ThroughThreadPool();
            long now = Volatile.Read(ref _activity);
            // Work queued on the pool (a continuation on its way to a torrent's loop) is not quiet either.
            if (now == seen && !AnyBusy() && ThreadPool.PendingWorkItemCount == 0 && !AnyLoopBusy()) quiet++;
            else
            {
                quiet = 0;
                seen = now;
            }
        }
    }

    /// <summary>Trips through the thread pool that must pass without activity before the engines count as quiet.</summary>
    private const int QuietRounds = 32;

    /// <summary>
    /// Completes after a work item queued on the thread pool's global queue ran. Not Task.Run or Task.Yield from a pool
    /// thread: those may go to the thread's local queue and run ahead of everything else, starving the engines.
    /// </summary>
    private static Task ThroughThreadPool()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.SetResult(), done, preferLocal: false);
        return done.Task;
    }

    /// <summary>The links and what they delivered (for failure messages).</summary>
    public string Describe()
    {
        SimulatedLink[] links;
        string[] connections;
        lock (_gate)
        {
            links = [.. _links];
            connections = [.. _connections];
        }
        return string.Join("\n", connections.Concat(links.Select(l => $"{l}{(l.Busy ? ", busy" : "")}")));
    }

    private bool AnyBusy()
    {
        lock (_gate) return _links.Any(l => l.Busy);
    }

    /// <summary>
    /// A torrent's loop has work queued or running, or a piece check or write is running or can run. Work a busy machine
    /// preempted is invisible to the other checks (it is neither activity nor pending pool work), and time must not move
    /// past it: under CPU load the clock once ran 7.7 s ahead of a leecher's loop, which then saw every rate window of
    /// that span as empty, and another run spent the disk test's 120 virtual seconds while its piece writes waited for
    /// the CPU.
    /// </summary>
    private bool AnyLoopBusy()
    {
        lock (_gate) return _sessions.Any(s => s.Session.LoopBacklog > 0 || s.Session.DiskJobsRunnable > s.Storage.HeldWrites);
    }

    /// <summary>A torrent whose loop and disk jobs <see cref="SettleAsync"/> waits for (writes its storage holds excepted).</summary>
    internal void Watch(TorrentSession session, SimulatedStorage storage)
    {
        lock (_gate) _sessions.Add((session, storage));
    }

    /// <summary>Something happened (the quiet detection restarts).</summary>
    internal void Touch() => Interlocked.Increment(ref _activity);

    internal void Record(TappedMessage message)
    {
        lock (_messages) _messages.Add(message);
    }

    internal void Listen(SimulatedPeerTransport transport)
    {
        lock (_gate) _listeners[transport.EndPoint] = transport;
    }

    internal void Unlisten(SimulatedPeerTransport transport)
    {
        lock (_gate) _listeners.Remove(transport.EndPoint);
    }

    internal SimulatedPeerTransport? FindListener(IPEndPoint endPoint)
    {
        lock (_gate) return _listeners.GetValueOrDefault(endPoint);
    }

    /// <summary>Opens a connection from <paramref name="dialler"/> to <paramref name="listener"/>: the dialler's and the
    /// listener's ends, and the dialler's ephemeral address as the listener sees it.</summary>
    internal (IDuplexPipe Outgoing, IDuplexPipe Incoming, IPEndPoint Ephemeral, Action<Wire.Wire, Wire.Wire> SetWires) Connect(SimulatedPeerTransport dialler, SimulatedPeerTransport listener)
    {
        lock (_gate)
        {
            var up = new SimulatedLink(this, dialler.EndPoint, listener.EndPoint, _rates.GetValueOrDefault((dialler.EndPoint.Address, listener.EndPoint.Address)));
            var down = new SimulatedLink(this, listener.EndPoint, dialler.EndPoint, _rates.GetValueOrDefault((listener.EndPoint.Address, dialler.EndPoint.Address)));
            _links.Add(up);
            _links.Add(down);
            var ephemeral = new IPEndPoint(dialler.EndPoint.Address, _nextEphemeralPort++);
            _connections.Add($"{Elapsed} {dialler.EndPoint} dialled {listener.EndPoint}");
            Touch();
            return (new Ends(down.Reader, up), new Ends(up.Reader, down), ephemeral, (outgoing, incoming) =>
            {
                up.Sender = outgoing;
                down.Sender = incoming;
            });
        }
    }

    /// <summary>Messages of <paramref name="id"/> from <paramref name="from"/> to <paramref name="to"/> (either may be null: any).</summary>
    public IReadOnlyList<TappedMessage> MessagesOf(MessageId id, IPEndPoint? from = null, IPEndPoint? to = null) =>
        [.. Messages.Where(m => m.Id == id && (from is null || m.From.Equals(from)) && (to is null || m.To.Equals(to)))];

    private sealed class Ends(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
