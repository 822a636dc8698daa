namespace BitTorrent.Wire;

/// <summary>
/// The outgoing byte queue of a wire. Senders on any thread append whole messages under a lock; one send loop
/// writes everything queued in a single transport write, so many small messages cost one syscall.
/// </summary>
internal sealed class Outbound(Func<ReadOnlyMemory<byte>, ValueTask> write, int highWater)
{
    private const int InitialCapacity = 64 * 1024;
    private readonly object _gate = new();
    private readonly AsyncSignal _dataReady = new();
    private readonly AsyncSignal _drained = new();
    private byte[] _pending = new byte[InitialCapacity];
    private byte[]? _spare = new byte[InitialCapacity];
    private int _pendingLength;
    private int _writingLength;
    private bool _completing;
    private bool _stopped;
    private bool _drainWanted;

    /// <summary>Bytes queued or being written.</summary>
    public long Buffered
    {
        get { lock (_gate) return _pendingLength + _writingLength; }
    }

    /// <summary>True while more than the high-water mark waits to be sent.</summary>
    public bool IsCongested => Buffered > highWater;

    /// <summary>Queues <paramref name="first"/> then <paramref name="second"/> as one unit; false once stopped.</summary>
    public bool Enqueue(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second = default)
    {
        bool signal;
        lock (_gate)
        {
            if (_stopped || _completing) return false;
            int needed = _pendingLength + first.Length + second.Length;
            if (needed > _pending.Length)
            {
                var bigger = new byte[Math.Max(needed, _pending.Length * 2)];
                _pending.AsSpan(0, _pendingLength).CopyTo(bigger);
                _pending = bigger;
            }
            first.CopyTo(_pending.AsSpan(_pendingLength));
            second.CopyTo(_pending.AsSpan(_pendingLength + first.Length));
            signal = _pendingLength == 0;
            _pendingLength = needed;
        }
        if (signal) _dataReady.Set();
        return true;
    }

    /// <summary>Waits until the queue is back under the high-water mark (or the queue stops).</summary>
    public ValueTask WaitForDrainAsync()
    {
        lock (_gate)
        {
            if (_stopped || _pendingLength + _writingLength <= highWater) return ValueTask.CompletedTask;
            _drainWanted = true;
        }
        return _drained.WaitAsync();
    }

    /// <summary>Writes queued bytes until <see cref="Complete"/> or <see cref="Stop"/>; throws the transport's exception.</summary>
    public async Task RunAsync()
    {
        try
        {
            while (true)
            {
                await _dataReady.WaitAsync().ConfigureAwait(false);
                while (true)
                {
                    byte[] buffer;
                    int length;
                    lock (_gate)
                    {
                        if (_stopped) return;
                        if (_pendingLength == 0)
                        {
                            if (_completing) return;
                            break;
                        }
                        buffer = _pending;
                        length = _writingLength = _pendingLength;
                        _pending = _spare ?? new byte[InitialCapacity];
                        _spare = null;
                        _pendingLength = 0;
                    }
                    await write(buffer.AsMemory(0, length)).ConfigureAwait(false);
                    bool release;
                    lock (_gate)
                    {
                        _writingLength = 0;
                        _spare = buffer;
                        release = _drainWanted && _pendingLength <= highWater;
                        if (release) _drainWanted = false;
                    }
                    if (release) _drained.Set();
                }
            }
        }
        finally
        {
            Stop();
        }
    }

    /// <summary>Lets the send loop finish what is queued and then end.</summary>
    public void Complete()
    {
        lock (_gate) _completing = true;
        _dataReady.Set();
    }

    /// <summary>Drops whatever is queued and ends the send loop.</summary>
    public void Stop()
    {
        bool release;
        lock (_gate)
        {
            if (_stopped) return;
            _stopped = true;
            _pendingLength = 0;
            release = _drainWanted;
            _drainWanted = false;
        }
        _dataReady.Set();
        if (release) _drained.Set();
    }
}
