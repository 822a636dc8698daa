using Microsoft.Extensions.Logging;

namespace BitTorrent.Dht;

/// <summary>
/// Raises one node's events one at a time, in the order they were posted, on a thread-pool thread: never on the
/// thread that posted them (the receive loop, the timer, a caller holding the node's lock). A handler that throws is
/// logged and counted; one that blocks delays only the events after it. At most a bounded number of events wait;
/// beyond that new events are dropped and counted, so a stuck handler cannot make the node hold unbounded memory.
/// </summary>
internal sealed class DhtEventDispatcher
{
    private readonly object _gate = new();
    private readonly Queue<Action> _queue = new();
    private readonly ILogger _logger;
    private readonly int _capacity;
    private bool _running;
    private TaskCompletionSource? _idle;
    private long _dropped;
    private long _handlerFailures;

    public DhtEventDispatcher(ILogger logger, int capacity)
    {
        _logger = logger;
        _capacity = Math.Max(1, capacity);
    }

    /// <summary>Events dropped because <c>capacity</c> events were already waiting.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Handlers that threw.</summary>
    public long HandlerFailures => Interlocked.Read(ref _handlerFailures);

    /// <summary>Queues <paramref name="raise"/>; it runs after every event posted before it.</summary>
    public void Post(Action raise)
    {
        lock (_gate)
        {
            if (_queue.Count >= _capacity)
            {
                _dropped++;
                return;
            }
            _queue.Enqueue(raise);
            if (_running)
            {
                return;
            }
            _running = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static state => ((DhtEventDispatcher)state!).Drain(), this);
    }

    /// <summary>Completes once every event posted so far has been raised.</summary>
    public Task WhenIdleAsync()
    {
        lock (_gate)
        {
            if (!_running)
            {
                return Task.CompletedTask;
            }
            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task;
        }
    }

    private void Drain()
    {
        while (true)
        {
            Action next;
            lock (_gate)
            {
                if (!_queue.TryDequeue(out next!))
                {
                    _running = false;
                    _idle?.TrySetResult();
                    _idle = null;
                    return;
                }
            }
            try
            {
                next();
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _handlerFailures);
                _logger.LogError(ex, "A DhtNode event handler threw; the node goes on");
            }
        }
    }
}
