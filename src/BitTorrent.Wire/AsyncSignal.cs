using System.Threading.Tasks.Sources;

namespace BitTorrent.Wire;

/// <summary>An auto-reset signal awaited by one consumer at a time, without allocating per wait.</summary>
internal sealed class AsyncSignal : IValueTaskSource
{
    private readonly object _gate = new();
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private bool _set;
    private bool _waiting;

    /// <summary>Completes at once when already set; otherwise when <see cref="Set"/> is called.</summary>
    public ValueTask WaitAsync()
    {
        lock (_gate)
        {
            if (_set)
            {
                _set = false;
                return ValueTask.CompletedTask;
            }
            _core.Reset();
            _waiting = true;
            return new ValueTask(this, _core.Version);
        }
    }

    /// <summary>
    /// Wakes the waiter, or lets its next wait complete at once. The waiter's continuation runs on the thread pool, or
    /// with <paramref name="runInline"/> on this thread, before this returns (up to the waiter's next pending await).
    /// </summary>
    public void Set(bool runInline = false)
    {
        lock (_gate)
        {
            if (!_waiting)
            {
                _set = true;
                return;
            }
            _waiting = false;
            _core.RunContinuationsAsynchronously = !runInline;
        }
        _core.SetResult(true);
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
