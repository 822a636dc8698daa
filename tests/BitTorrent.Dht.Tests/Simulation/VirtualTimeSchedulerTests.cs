namespace BitTorrent.Dht.Tests.Simulation;

public class VirtualTimeSchedulerTests
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Timers_fire_in_time_order_and_the_clock_jumps_to_each()
    {
        var time = new VirtualTimeScheduler(Epoch);
        var fired = new List<(string Name, DateTimeOffset At)>();
        using var late = time.CreateTimer(_ => fired.Add(("late", time.GetUtcNow())), null, TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);
        using var early = time.CreateTimer(_ => fired.Add(("early", time.GetUtcNow())), null, TimeSpan.FromMilliseconds(20), Timeout.InfiniteTimeSpan);

        time.RunFor(TimeSpan.FromSeconds(10));

        Assert.Equal([("early", Epoch.AddMilliseconds(20)), ("late", Epoch.AddSeconds(3))], fired);
        Assert.Equal(Epoch.AddSeconds(10), time.GetUtcNow());
    }

    [Fact]
    public void Change_moves_a_timer_and_infinite_due_time_cancels_it()
    {
        var time = new VirtualTimeScheduler(Epoch);
        var fired = new List<TimeSpan>();
        using var moved = time.CreateTimer(_ => fired.Add(time.Elapsed), null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);
        using var cancelled = time.CreateTimer(_ => fired.Add(TimeSpan.MinValue), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        moved.Change(TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        cancelled.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        time.RunFor(TimeSpan.FromSeconds(10));

        Assert.Equal([TimeSpan.FromSeconds(2)], fired);
    }

    [Fact]
    public void A_periodic_timer_repeats_until_disposed()
    {
        var time = new VirtualTimeScheduler(Epoch);
        int count = 0;
        var timer = time.CreateTimer(_ => count++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        time.RunFor(TimeSpan.FromSeconds(3.5));
        timer.Dispose();
        time.RunFor(TimeSpan.FromSeconds(5));

        Assert.Equal(3, count);
        Assert.False(timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    [Fact]
    public void Events_at_the_same_instant_run_in_the_order_they_were_scheduled()
    {
        var time = new VirtualTimeScheduler(Epoch);
        var order = new List<int>();
        var timers = Enumerable.Range(0, 5)
            .Select(i => time.CreateTimer(_ => order.Add(i), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan))
            .ToList();

        time.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal([0, 1, 2, 3, 4], order);
        timers.ForEach(t => t.Dispose());
    }

    [Fact]
    public void RunUntil_stops_as_soon_as_the_condition_holds()
    {
        var time = new VirtualTimeScheduler(Epoch);
        int count = 0;
        using var timer = time.CreateTimer(_ => count++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        Assert.True(time.RunUntil(() => count == 4, TimeSpan.FromMinutes(1)));
        Assert.Equal(TimeSpan.FromSeconds(4), time.Elapsed);
        Assert.False(time.RunUntil(() => count == 100, TimeSpan.FromSeconds(10)));
        Assert.Equal(TimeSpan.FromSeconds(14), time.Elapsed);
    }
}
