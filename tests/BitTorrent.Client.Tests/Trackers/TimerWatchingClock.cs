using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Client.Tests.Trackers;

/// <summary>
/// Virtual time that tells a test when a one-shot timer of a given due time is created, so the test advances the clock
/// only once the timer it means to fire exists (advancing earlier would arm it late: no race, no sleeps).
/// </summary>
internal sealed class TimerWatchingClock() : FakeTimeProvider(DateTimeOffset.UtcNow)
{
    private readonly List<(TimeSpan DueTime, TaskCompletionSource Created)> _waiters = [];

    /// <summary>Completes when the next one-shot timer due in <paramref name="dueTime"/> is created (bounded by the caller).</summary>
    public Task NextTimer(TimeSpan dueTime)
    {
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters) _waiters.Add((dueTime, created));
        return created.Task;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (period == Timeout.InfiniteTimeSpan)
        {
            lock (_waiters)
            {
                foreach (var waiter in _waiters.Where(w => w.DueTime == dueTime).ToList())
                {
                    waiter.Created.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
        }
        return timer;
    }
}
