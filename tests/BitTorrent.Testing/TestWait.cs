namespace BitTorrent.Testing;

/// <summary>Bounded waits on tasks and events: no sleeps, no polling.</summary>
public static class TestWait
{
    /// <summary>The safety bound on every wait (the test fails rather than hangs).</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    /// <summary><paramref name="task"/>, failing with a <see cref="TimeoutException"/> after <see cref="Bound"/>.</summary>
    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(Bound);

    /// <summary><paramref name="task"/>, failing with a <see cref="TimeoutException"/> after <see cref="Bound"/>.</summary>
    public static Task Within(this Task task) => task.WaitAsync(Bound);

    /// <summary>A task completed by the next raise of an event (subscribe through <paramref name="subscribe"/>).</summary>
    public static Task<TArgs> Next<TArgs>(Action<EventHandler<TArgs>> subscribe)
    {
        var tcs = new TaskCompletionSource<TArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        subscribe((_, e) => tcs.TrySetResult(e));
        return tcs.Task;
    }

    /// <summary>A task completed by the next raise of a non-generic event.</summary>
    public static Task Next(Action<EventHandler> subscribe)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscribe((_, _) => tcs.TrySetResult());
        return tcs.Task;
    }
}
