using System.Threading.RateLimiting;

namespace BitTorrent.Client;

/// <summary>
/// A global upload or download limit in bytes per second: a token bucket of bytes that is a System.Threading.RateLimiting
/// <see cref="ReplenishingRateLimiter"/> (one permit = one byte), refilled on the engine's <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// Why not <see cref="TokenBucketRateLimiter"/>: with <c>AutoReplenishment = true</c> it runs its own timer, and even
/// with <c>AutoReplenishment = false</c> its <c>TryReplenish</c> adds tokens for the wall-clock time elapsed (a
/// Stopwatch), so neither can follow a <see cref="TimeProvider"/> and virtual time. This limiter is not auto-replenishing:
/// the engine calls <see cref="Replenish"/> (or <see cref="TryReplenish"/>) from its tick, at least every
/// <see cref="ReplenishmentPeriod"/>, and the bucket gains rate × elapsed bytes up to <see cref="Burst"/>. Queued
/// acquires are served oldest first. A rate of 0 means unlimited. Thread-safe (one lock), so connections may acquire
/// from their own tasks.
/// </remarks>
public sealed class BandwidthLimiter : ReplenishingRateLimiter
{
    /// <summary>The smallest burst, so that a whole block (and a little more) can always be acquired at once.</summary>
    public const int MinBurst = 4 * PiecePicker.BlockSize;

    private static readonly RateLimitLease Granted = new Lease(true);
    private static readonly RateLimitLease Refused = new Lease(false);

    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly LinkedList<Waiter> _queue = new();
    private double _tokens;
    private long _last;
    private long _successful, _failed;
    private bool _disposed;

    /// <summary>Creates a limiter of <paramref name="bytesPerSecond"/> (0 = unlimited), full at first.</summary>
    /// <param name="time">The clock the bucket refills on.</param>
    /// <param name="bytesPerSecond">The limit; 0 for none.</param>
    /// <param name="replenishmentPeriod">How often the caller is expected to call <see cref="Replenish"/> (default 100 ms).</param>
    public BandwidthLimiter(TimeProvider time, long bytesPerSecond, TimeSpan? replenishmentPeriod = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegative(bytesPerSecond);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytesPerSecond, int.MaxValue);
        _time = time;
        BytesPerSecond = bytesPerSecond;
        ReplenishmentPeriod = replenishmentPeriod ?? TimeSpan.FromMilliseconds(100);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReplenishmentPeriod, TimeSpan.Zero, nameof(replenishmentPeriod));
        Burst = bytesPerSecond == 0 ? int.MaxValue : (int)Math.Max(bytesPerSecond, MinBurst);
        _tokens = Burst;
        _last = time.GetTimestamp();
    }

    /// <summary>The limit in bytes per second; 0 when unlimited.</summary>
    public long BytesPerSecond { get; }

    /// <summary>True when there is no limit.</summary>
    public bool IsUnlimited => BytesPerSecond == 0;

    /// <summary>The bucket's size: the most bytes available at once (one second of the rate, at least <see cref="MinBurst"/>).</summary>
    public int Burst { get; }

    /// <summary>The bytes that can be taken now.</summary>
    public long AvailableBytes
    {
        get { lock (_gate) return IsUnlimited ? long.MaxValue : (long)_tokens; }
    }

    /// <inheritdoc/>
    public override TimeSpan ReplenishmentPeriod { get; }

    /// <inheritdoc/>
    public override bool IsAutoReplenishing => false;

    /// <inheritdoc/>
    public override TimeSpan? IdleDuration => null;

    /// <summary>Refills the bucket for the time elapsed up to now on the <see cref="TimeProvider"/>; always true.</summary>
    public override bool TryReplenish()
    {
        Replenish(_time.GetTimestamp());
        return true;
    }

    /// <summary>Refills the bucket for the time elapsed up to <paramref name="now"/> (a timestamp of the limiter's clock) and serves waiters.</summary>
    public void Replenish(long now)
    {
        List<Waiter>? served = null;
        lock (_gate)
        {
            if (_disposed || IsUnlimited || now <= _last) return;
            _tokens = Math.Min(Burst, _tokens + BytesPerSecond * _time.GetElapsedTime(_last, now).TotalSeconds);
            _last = now;
            while (_queue.First is { } head && head.Value.Bytes <= _tokens)
            {
                _tokens -= head.Value.Bytes;
                _queue.RemoveFirst();
                _successful++;
                (served ??= []).Add(head.Value);
            }
        }
        if (served is null) return;
        foreach (var waiter in served)
        {
            waiter.Registration.Dispose();
            waiter.Completion.TrySetResult(Granted);
        }
    }

    /// <summary>Waits until <paramref name="bytes"/> are taken (amounts above <see cref="Burst"/> in parts).</summary>
    /// <exception cref="OperationCanceledException">Cancelled while waiting.</exception>
    /// <exception cref="ObjectDisposedException">The limiter was disposed while waiting.</exception>
    public async ValueTask WaitAsync(long bytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (IsUnlimited) return;
        while (bytes > 0)
        {
            int part = (int)Math.Min(bytes, Burst);
            using var lease = await AcquireAsync(part, cancellationToken).ConfigureAwait(false);
            if (!lease.IsAcquired) throw new ObjectDisposedException(nameof(BandwidthLimiter));
            bytes -= part;
        }
    }

    /// <inheritdoc/>
    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = IsUnlimited ? long.MaxValue : (long)_tokens,
                CurrentQueuedCount = _queue.Sum(w => (long)w.Bytes),
                TotalSuccessfulLeases = _successful,
                TotalFailedLeases = _failed,
            };
        }
    }

    /// <inheritdoc/>
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        lock (_gate)
        {
            if (TryTake(permitCount)) return Granted;
            _failed++;
            return Refused;
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (TryTake(permitCount)) return new ValueTask<RateLimitLease>(Granted);
            if (_disposed || permitCount > Burst)
            {
                _failed++;
                return new ValueTask<RateLimitLease>(Refused);
            }
            var completion = new TaskCompletionSource<RateLimitLease>(TaskCreationOptions.RunContinuationsAsynchronously);
            var node = _queue.AddLast(new Waiter(permitCount, completion));
            if (cancellationToken.CanBeCanceled)
                node.Value.Registration = cancellationToken.UnsafeRegister(_ => Cancel(node, cancellationToken), null);
            return new ValueTask<RateLimitLease>(completion.Task);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        List<Waiter> waiting;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            waiting = [.. _queue];
            _queue.Clear();
        }
        foreach (var waiter in waiting)
        {
            waiter.Registration.Dispose();
            waiter.Completion.TrySetResult(Refused);
        }
        base.Dispose(disposing);
    }

    // Taking from the bucket only when nobody waits keeps the queue first come, first served.
    private bool TryTake(int bytes)
    {
        if (_disposed) return false;
        if (IsUnlimited) return true;
        if (_queue.Count > 0 || bytes > _tokens) return false;
        _tokens -= bytes;
        _successful++;
        return true;
    }

    private void Cancel(LinkedListNode<Waiter> node, CancellationToken token)
    {
        lock (_gate)
        {
            if (node.List is null) return;
            _queue.Remove(node);
        }
        node.Value.Completion.TrySetCanceled(token);
    }

    private sealed class Waiter(int bytes, TaskCompletionSource<RateLimitLease> completion)
    {
        public int Bytes { get; } = bytes;
        public TaskCompletionSource<RateLimitLease> Completion { get; } = completion;
        public CancellationTokenRegistration Registration { get; set; }
    }

    private sealed class Lease(bool acquired) : RateLimitLease
    {
        public override bool IsAcquired { get; } = acquired;
        public override IEnumerable<string> MetadataNames => [];
        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
