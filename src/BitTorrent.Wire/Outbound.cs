using System.Buffers;

namespace BitTorrent.Wire;

/// <summary>
/// The outgoing byte queue of a wire. Senders on any thread append whole messages under a lock into pooled segments;
/// one send loop writes them and returns each segment to the pool once written, so an idle wire holds no send buffer
/// and a burst keeps nothing after it drained. A segment is sized to what is queued (from
/// <see cref="MinimumSegmentSize"/> up to <see cref="MaximumSegmentSize"/>): a lone message takes a small one, a stream
/// of pieces is written in few large writes. More than <c>limit</c> bytes queued means the peer does not read what
/// it asks for: the queue stops, <see cref="Overflowed"/> is set and <c>overflowed</c> is called (under the caller's locks).
/// </summary>
internal sealed class Outbound(Func<ReadOnlyMemory<byte>, ValueTask> write, long limit, Action? written = null, Action? overflowed = null)
{
    /// <summary>The smallest pooled segment.</summary>
    public const int MinimumSegmentSize = 4 * 1024;

    /// <summary>The largest pooled segment (one socket write).</summary>
    public const int MaximumSegmentSize = 512 * 1024;

    private readonly object _gate = new();
    private readonly AsyncSignal _dataReady = new();
    private readonly Queue<(byte[] Buffer, int Length)> _full = new();
    private readonly List<(byte[] Buffer, int Length)> _batch = [];
    private byte[]? _tail;
    private int _tailLength;
    private long _queued;
    private long _writing;
    private bool _completing;
    private bool _stopped;
    private int _deferringThread; // the read loop's thread while it handles one read (0: none)
    private bool _deferred;

    /// <summary>Bytes queued or being written.</summary>
    public long Buffered
    {
        get { lock (_gate) return _queued + _writing; }
    }

    /// <summary>True once more than the limit was queued (the queue stopped).</summary>
    public bool Overflowed { get; private set; }

    /// <summary>Queues <paramref name="first"/> then <paramref name="second"/> as one unit; false once stopped or over the limit.</summary>
    public bool Enqueue(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second = default)
    {
        bool accepted, signal = false;
        lock (_gate)
        {
            if (_stopped || _completing) return false;
            accepted = _queued + _writing + first.Length + second.Length <= limit;
            if (accepted)
            {
                signal = _queued == 0;
                if (signal && _deferringThread == Environment.CurrentManagedThreadId)
                {
                    _deferred = true;
                    signal = false;
                }
                _queued += first.Length + second.Length;
                Append(first);
                Append(second);
            }
            else
            {
                Overflowed = true;
                StopLocked();
            }
        }
        if (!accepted || signal) _dataReady.Set();
        if (!accepted) overflowed?.Invoke();
        return accepted;
    }

    /// <summary>
    /// Called by the read loop before it handles one read: what it queues meanwhile does not wake the send loop on the
    /// thread pool; <see cref="EndDeferring"/> runs the send loop on this thread instead, once for the whole read.
    /// Other threads' sends wake the send loop as always.
    /// </summary>
    public void DeferWakeUps()
    {
        lock (_gate) _deferringThread = Environment.CurrentManagedThreadId;
    }

    /// <summary>
    /// Ends <see cref="DeferWakeUps"/>: when the read queued bytes and the send loop waits, the send loop runs here, on
    /// the read loop's thread, until its first write that cannot complete at once (the socket's buffer is full), where
    /// it goes on by itself and this returns; the read loop never waits for the peer to read.
    /// </summary>
    public void EndDeferring()
    {
        bool wake;
        lock (_gate)
        {
            _deferringThread = 0;
            wake = _deferred;
            _deferred = false;
        }
        if (wake) _dataReady.Set(runInline: true);
    }

    /// <summary>Copies bytes already counted in <see cref="_queued"/> into the tail, starting segments as needed.</summary>
    private void Append(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_tail is null || _tailLength == _tail.Length)
            {
                if (_tail is not null) _full.Enqueue((_tail, _tailLength));
                // Sized to everything queued so far: the queue grows into large segments only while it is full.
                _tail = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(_queued, MinimumSegmentSize, MaximumSegmentSize));
                _tailLength = 0;
            }
            int n = Math.Min(bytes.Length, _tail.Length - _tailLength);
            bytes[..n].CopyTo(_tail.AsSpan(_tailLength));
            _tailLength += n;
            bytes = bytes[n..];
        }
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
                    lock (_gate)
                    {
                        if (_stopped) return;
                        if (_queued == 0)
                        {
                            if (_completing) return;
                            break;
                        }
                        while (_full.Count > 0) _batch.Add(_full.Dequeue());
                        if (_tail is not null && _tailLength > 0) _batch.Add((_tail, _tailLength));
                        else if (_tail is not null) ArrayPool<byte>.Shared.Return(_tail);
                        _tail = null;
                        _tailLength = 0;
                        _writing = _queued;
                        _queued = 0;
                    }
                    for (int i = 0; i < _batch.Count; i++)
                    {
                        var (buffer, length) = _batch[i];
                        await write(buffer.AsMemory(0, length)).ConfigureAwait(false);
                        _batch[i] = (buffer, 0);
                        ArrayPool<byte>.Shared.Return(buffer);
                        lock (_gate) _writing -= length;
                        written?.Invoke();
                    }
                    _batch.Clear();
                }
            }
        }
        finally
        {
            foreach (var (buffer, length) in _batch) if (length > 0) ArrayPool<byte>.Shared.Return(buffer);
            _batch.Clear();
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
        lock (_gate) StopLocked();
        _dataReady.Set();
    }

    private void StopLocked()
    {
        if (_stopped) return;
        _stopped = true;
        while (_full.Count > 0) ArrayPool<byte>.Shared.Return(_full.Dequeue().Buffer);
        if (_tail is not null) ArrayPool<byte>.Shared.Return(_tail);
        _tail = null;
        _tailLength = 0;
        _queued = 0;
    }
}
