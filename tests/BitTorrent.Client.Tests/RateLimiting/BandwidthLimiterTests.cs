using System.Threading.RateLimiting;
using BitTorrent.Client;
using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Client.Tests.RateLimiting;

public class BandwidthLimiterTests
{
    private static bool TryTake(RateLimiter limiter, int bytes)
    {
        using var lease = limiter.AttemptAcquire(bytes);
        return lease.IsAcquired;
    }

    [Fact]
    public void The_bucket_refills_by_the_rate_on_the_callers_clock_up_to_one_second()
    {
        var time = new FakeTimeProvider();
        using var limiter = new BandwidthLimiter(time, 100_000);
        Assert.False(limiter.IsAutoReplenishing);
        Assert.True(TryTake(limiter, 100_000)); // starts full: one second of burst
        Assert.False(TryTake(limiter, 1));

        time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Equal(0, limiter.AvailableBytes); // nothing happens without the tick
        limiter.Replenish(time.GetTimestamp());
        Assert.Equal(25_000, limiter.AvailableBytes);
        time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.True(limiter.TryReplenish()); // the same, reading the limiter's own TimeProvider
        Assert.Equal(30_000, limiter.AvailableBytes);

        time.Advance(TimeSpan.FromMinutes(5));
        limiter.Replenish(time.GetTimestamp());
        Assert.Equal(100_000, limiter.AvailableBytes);
        Assert.Equal(1, limiter.GetStatistics()!.TotalFailedLeases);
    }

    [Fact]
    public async Task Waiters_are_served_in_order_as_the_tick_refills()
    {
        var time = new FakeTimeProvider();
        using var limiter = new BandwidthLimiter(time, 100_000);
        Assert.True(TryTake(limiter, 100_000));
        var first = limiter.WaitAsync(16_000).AsTask();
        var second = limiter.WaitAsync(4_000).AsTask();
        Assert.False(first.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(100));
        limiter.Replenish(time.GetTimestamp());
        Assert.False(first.IsCompleted); // 10,000 bytes are not enough for 16,000
        Assert.False(second.IsCompleted); // and the second waits behind the first
        Assert.False(TryTake(limiter, 1)); // nor can anyone jump the queue

        time.Advance(TimeSpan.FromMilliseconds(100));
        limiter.Replenish(time.GetTimestamp());
        await first.WaitAsync(TimeSpan.FromSeconds(30));
        await second.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, limiter.AvailableBytes);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue_and_disposal_fails_the_rest()
    {
        var time = new FakeTimeProvider();
        var limiter = new BandwidthLimiter(time, 100_000);
        Assert.True(TryTake(limiter, 100_000));
        using var cts = new CancellationTokenSource();
        var cancelled = limiter.WaitAsync(50_000, cts.Token).AsTask();
        var next = limiter.WaitAsync(5_000).AsTask();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(TimeSpan.FromSeconds(30)));

        var last = limiter.WaitAsync(90_000).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(50));
        limiter.Replenish(time.GetTimestamp());
        await next.WaitAsync(TimeSpan.FromSeconds(30)); // no longer behind the cancelled one
        limiter.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => last.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_rate_of_zero_is_unlimited()
    {
        using var limiter = new BandwidthLimiter(new FakeTimeProvider(), 0);
        Assert.True(limiter.IsUnlimited);
        Assert.True(TryTake(limiter, int.MaxValue));
        await limiter.WaitAsync(long.MaxValue);
    }
}
