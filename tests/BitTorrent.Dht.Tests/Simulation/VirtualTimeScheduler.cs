namespace BitTorrent.Dht.Tests.Simulation;

/// <summary>
/// A single-threaded discrete-event clock: a <see cref="TimeProvider"/> whose timers and scheduled actions sit in one
/// priority queue, and whose time jumps straight to the next event. Events at the same instant run in the order they
/// were scheduled, so a run is fully deterministic.
/// </summary>
internal sealed class VirtualTimeScheduler : TimeProvider
{
    private readonly PriorityQueue<IVirtualEvent, (long Ticks, long Sequence)> _queue = new();
    private readonly DateTimeOffset _epoch;
    private long _sequence;

    public VirtualTimeScheduler(DateTimeOffset epoch) => _epoch = epoch;

    /// <summary>Virtual time elapsed since the epoch, in ticks.</summary>
    public long NowTicks { get; private set; }

    /// <summary>Virtual time elapsed since the epoch.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(NowTicks);

    public override DateTimeOffset GetUtcNow() => _epoch.AddTicks(NowTicks);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => NowTicks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new VirtualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Schedules <paramref name="action"/> to run <paramref name="delay"/> from now.</summary>
    public void Schedule(IVirtualEvent action, TimeSpan delay) => Enqueue(action, NowTicks + Math.Max(0, delay.Ticks));

    /// <summary>Runs events in time order until <paramref name="done"/> holds (checked after every event) or no event is
    /// left within <paramref name="limit"/> from now; in that case the clock moves to the limit. Returns whether
    /// <paramref name="done"/> holds.</summary>
    public bool RunUntil(Func<bool> done, TimeSpan limit)
    {
        long deadline = NowTicks + limit.Ticks;
        while (!done())
        {
            if (!_queue.TryPeek(out _, out var key) || key.Ticks > deadline)
            {
                NowTicks = Math.Max(NowTicks, deadline);
                return done();
            }
            RunNext();
        }
        return true;
    }

    /// <summary>Runs every event due within <paramref name="duration"/> from now, then sets the clock to its end.</summary>
    public void RunFor(TimeSpan duration) => RunUntil(static () => false, duration);

    private void RunNext()
    {
        _queue.TryDequeue(out var next, out var key);
        NowTicks = key.Ticks;
        next!.Run(this);
    }

    private void Enqueue(IVirtualEvent action, long ticks) => _queue.Enqueue(action, (ticks, _sequence++));

    /// <summary>Something that runs at a point of virtual time.</summary>
    internal interface IVirtualEvent
    {
        void Run(VirtualTimeScheduler scheduler);
    }

    /// <summary>A timer: its one queue entry object is re-queued on each Change; an entry whose time no longer
    /// matches the timer's due time is stale and is skipped when it comes due.</summary>
    private sealed class VirtualTimer(VirtualTimeScheduler scheduler, TimerCallback callback, object? state) : ITimer, IVirtualEvent
    {
        private long _dueTicks = -1;
        private long _periodTicks;
        private bool _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (_disposed)
            {
                return false;
            }
            _periodTicks = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                _dueTicks = -1;
            }
            else
            {
                long due = scheduler.NowTicks + Math.Max(0, dueTime.Ticks);
                if (due != _dueTicks)
                {
                    _dueTicks = due;
                    scheduler.Enqueue(this, due);
                }
            }
            return true;
        }

        public void Dispose()
        {
            _disposed = true;
            _dueTicks = -1;
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        public void Run(VirtualTimeScheduler scheduler)
        {
            if (_disposed || scheduler.NowTicks != _dueTicks)
            {
                return;
            }
            if (_periodTicks > 0)
            {
                _dueTicks = scheduler.NowTicks + _periodTicks;
                scheduler.Enqueue(this, _dueTicks);
            }
            else
            {
                _dueTicks = -1;
            }
            callback(state);
        }
    }
}
