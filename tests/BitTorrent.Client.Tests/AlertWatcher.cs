namespace BitTorrent.Client.Tests;

/// <summary>Collects an engine's alerts in the background and lets a test wait for one matching a condition.</summary>
internal sealed class AlertWatcher : IAsyncDisposable
{
    private readonly List<Alert> _seen = [];
    private readonly List<(Func<Alert, bool> Match, TaskCompletionSource<Alert> Done)> _waiters = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;

    /// <summary>Starts reading <paramref name="engine"/>'s alerts; <paramref name="observer"/>, when given, sees each one first.</summary>
    public AlertWatcher(ClientEngine engine, Action<Alert>? observer = null) => _reader = Task.Run(async () =>
    {
        try
        {
            await foreach (var alert in engine.ReadAlertsAsync(_stop.Token))
            {
                observer?.Invoke(alert);
                lock (_seen)
                {
                    _seen.Add(alert);
                    foreach (var waiter in _waiters.Where(w => w.Match(alert)).ToList())
                    {
                        waiter.Done.TrySetResult(alert);
                        _waiters.Remove(waiter);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    });

    /// <summary>Every alert so far.</summary>
    public IReadOnlyList<Alert> Seen
    {
        get { lock (_seen) return [.. _seen]; }
    }

    /// <summary>Completes with the first alert (past or future) matching <paramref name="match"/>.</summary>
    public Task<Alert> WaitForAsync(Func<Alert, bool> match)
    {
        lock (_seen)
        {
            if (_seen.FirstOrDefault(match) is { } past) return Task.FromResult(past);
            var done = new TaskCompletionSource<Alert>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
            return done.Task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _reader;
        _stop.Dispose();
    }
}
