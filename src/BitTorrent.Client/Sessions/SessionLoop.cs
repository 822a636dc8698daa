using System.Threading.Channels;

namespace BitTorrent.Client;

/// <summary>
/// The one thread of control of a torrent (libtorrent's network thread, per torrent): work items posted from wires,
/// timers and disk workers run one at a time, in order, so the session's state needs no locks. A work item that
/// throws fails the torrent (through the error callback), not the process.
/// </summary>
internal sealed class SessionLoop
{
    private readonly Channel<Action> _queue = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions
    {
        SingleReader = true,
        SingleWriter = false,
        AllowSynchronousContinuations = false,
    });
    private readonly Action<Exception> _onError;
    private readonly Task _run;
    private int _backlog;

    public SessionLoop(Action<Exception> onError)
    {
        _onError = onError;
        _run = Task.Run(RunAsync);
    }

    /// <summary>Completes when the loop has ended (after <see cref="Complete"/> and the queued work).</summary>
    public Task Completion => _run;

    /// <summary>
    /// Work items posted and not yet finished, the one running included: zero exactly when the loop has nothing to do.
    /// A deterministic simulation moves virtual time only while every loop is at zero.
    /// </summary>
    public int Backlog => Volatile.Read(ref _backlog);

    /// <summary>Queues <paramref name="work"/>; false once the loop is completing.</summary>
    public bool Post(Action work)
    {
        Interlocked.Increment(ref _backlog);
        if (_queue.Writer.TryWrite(work)) return true;
        Interlocked.Decrement(ref _backlog);
        return false;
    }

    /// <summary>Runs <paramref name="work"/> on the loop and returns its result.</summary>
    public Task<T> InvokeAsync<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!Post(() =>
            {
                try
                {
                    done.TrySetResult(work());
                }
                catch (Exception ex)
                {
                    done.TrySetException(ex);
                }
            }))
        {
            done.TrySetException(new ObjectDisposedException(nameof(TorrentSession)));
        }
        return done.Task;
    }

    /// <summary>Stops accepting work; the loop ends after what is queued.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var work))
            {
                try
                {
                    work();
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    _onError(ex);
                }
                finally
                {
                    Interlocked.Decrement(ref _backlog);
                }
            }
        }
    }
}
