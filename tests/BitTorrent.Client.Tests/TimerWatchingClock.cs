using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Client.Tests;

/// <summary>
/// Virtual time that tells a test when timers of a given due time and period have been created, so the test advances
/// the clock only once the timers it means to fire exist (advancing earlier would arm them late): no race, no sleeps.
/// </summary>
internal sealed class TimerWatchingClock() : FakeTimeProvider(DateTimeOffset.UtcNow)
{
    private readonly List<Waiter> _waiters = [];

    private sealed class Waiter(TimeSpan dueTime, TimeSpan period, int count)
    {
        public TimeSpan DueTime { get; } = dueTime;
        public TimeSpan Period { get; } = period;
        public int Remaining { get; set; } = count;
        public TaskCompletionSource Created { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Completes once <paramref name="count"/> timers due in <paramref name="dueTime"/> with <paramref name="period"/>
    /// have been created from now on (the caller bounds the wait).</summary>
    public Task TimersCreated(TimeSpan dueTime, TimeSpan period, int count)
    {
        var waiter = new Waiter(dueTime, period, count);
        lock (_waiters) _waiters.Add(waiter);
        return waiter.Created.Task;
    }

    /// <summary>Completes when the next one-shot timer due in <paramref name="dueTime"/> is created.</summary>
    public Task NextTimer(TimeSpan dueTime) => TimersCreated(dueTime, Timeout.InfiniteTimeSpan, 1);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        lock (_waiters)
        {
            foreach (var waiter in _waiters.Where(w => w.DueTime == dueTime && w.Period == period).ToList())
            {
                if (--waiter.Remaining > 0) continue;
                waiter.Created.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
        return timer;
    }
}
