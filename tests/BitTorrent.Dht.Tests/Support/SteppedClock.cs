using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Dht.Tests.Support;

/// <summary>
/// A clock whose wall time (<see cref="GetUtcNow"/>) can be stepped forwards or backwards, as NTP or a user does, while
/// its monotonic timestamps and timers follow <paramref name="inner"/> only.
/// </summary>
internal sealed class SteppedClock(FakeTimeProvider inner) : TimeProvider
{
    /// <summary>How far the wall clock has been stepped away from the monotonic time.</summary>
    public TimeSpan Step { get; set; }

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + Step;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);
}
