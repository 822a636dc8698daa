namespace BitTorrent.Extensions.Tests;

/// <summary>A clock whose wall time and monotonic time move separately, to show which one a rule follows.</summary>
internal sealed class SteppedClock : TimeProvider
{
    private DateTimeOffset _utcNow = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
    private long _timestamp;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() => _utcNow;

    public override long GetTimestamp() => _timestamp;

    /// <summary>Lets <paramref name="elapsed"/> pass on the monotonic clock while the wall clock moves by <paramref name="wallClockJump"/>.</summary>
    public void Step(TimeSpan elapsed, TimeSpan wallClockJump)
    {
        _timestamp += elapsed.Ticks;
        _utcNow += wallClockJump;
    }
}
