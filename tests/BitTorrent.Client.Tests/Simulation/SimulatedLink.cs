using System.Buffers;
using System.IO.Pipelines;
using System.Net;

namespace BitTorrent.Client.Tests.Simulation;

/// <summary>
/// One direction of a simulated connection: the sender's <see cref="PipeWriter"/> and the receiver's
/// <see cref="Reader"/>. Written bytes wait in the link and are delivered at once when the link is unlimited, else at
/// <see cref="BytesPerSecond"/> of virtual time: each step of the network gives the link rate × step bytes to deliver.
/// As a socket's send buffer, a flush completes only while at most <see cref="SendBuffer"/> bytes wait, so a sender
/// on a slow link feels backpressure. Every delivered message is reported to the network's tap, and the
/// link knows whether its receiver has looked at everything delivered (the network waits for that between steps).
/// </summary>
internal sealed class SimulatedLink : PipeWriter
{
    private static readonly PipeOptions Unbounded = new(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false);
    private readonly SimulatedNetwork _network;
    private readonly object _gate = new();
    private readonly Pipe _queued = new(Unbounded);
    private readonly Pipe _delivered = new(Unbounded);
    private readonly MessageTap _tap;
    /// <summary>The bytes that may wait in the link before the sender's flush waits (a socket's send buffer).</summary>
    public const int SendBuffer = 64 * 1024;

    private TaskCompletionSource<FlushResult>? _flushWaiter;
    private long _advancedBytes;
    private long _allowance;
    private long _replenished;
    private long _deliveredBytes;
    private long _examinedBytes;
    private bool _receiverDone;
    private bool _senderDone;
    private bool _deliveryDone;

    public SimulatedLink(SimulatedNetwork network, IPEndPoint from, IPEndPoint to, long bytesPerSecond)
    {
        _network = network;
        From = from;
        To = to;
        BytesPerSecond = bytesPerSecond;
        Reader = new ObservedReader(this, _delivered.Reader);
        _tap = new MessageTap((id, index, begin) => network.Record(new TappedMessage(network.Elapsed, from, to, id, index, begin)));
    }

    /// <summary>The sending host's listen address.</summary>
    public IPEndPoint From { get; }

    /// <summary>The receiving host's listen address.</summary>
    public IPEndPoint To { get; }

    /// <summary>The link's rate in bytes per virtual second; 0 is unlimited.</summary>
    public long BytesPerSecond { get; set; }

    /// <summary>What the receiver reads.</summary>
    public PipeReader Reader { get; }

    /// <summary>Payload and framing bytes delivered so far.</summary>
    public long DeliveredBytes
    {
        get { lock (_gate) return _deliveredBytes; }
    }

    /// <summary>The wire that writes into this link, once known.</summary>
    public Wire.Wire? Sender { get; set; }

    /// <summary>
    /// True while the link has work in hand: the receiver has not yet looked at every delivered byte, or the sending
    /// wire has bytes queued that the link would take now (its flush is not waiting for bandwidth).
    /// </summary>
    public bool Busy
    {
        get
        {
            lock (_gate)
            {
                if (!_receiverDone && _examinedBytes < _deliveredBytes) return true;
                if (_senderDone || _receiverDone || _flushWaiter is not null) return false;
            }
            return Sender is { IsClosed: false, QueuedBytes: > 0 }; // outside the lock: the wire's send loop flushes under its own
        }
    }

    /// <summary>True once both ends are done with the link.</summary>
    public bool Finished
    {
        get { lock (_gate) return _receiverDone && (_senderDone || _deliveryDone); }
    }

    /// <summary>The link's counters, for failure messages.</summary>
    public override string ToString()
    {
        lock (_gate)
            return $"{From} -> {To}: {_deliveredBytes} of {_advancedBytes} bytes delivered, {_examinedBytes} read{(_flushWaiter is null ? "" : ", sender waits")}"
                + $", replenished {_replenished}, allowance {_allowance}, rate {BytesPerSecond}{(_deliveryDone ? ", delivery done" : "")}{(_senderDone ? ", sender done" : "")}{(_receiverDone ? ", receiver done" : "")}, sender wire queues {Sender?.QueuedBytes}";
    }

    /// <summary>A step of <paramref name="step"/> passed: the link may deliver that much more.</summary>
    public void Replenish(TimeSpan step)
    {
        lock (_gate)
        {
            if (BytesPerSecond == 0) return;
            _replenished++;
            _allowance = (long)(BytesPerSecond * step.TotalSeconds);
            Deliver();
        }
    }

    public override void Advance(int bytes)
    {
        lock (_gate)
        {
            _queued.Writer.Advance(bytes);
            _advancedBytes += bytes;
        }
    }

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        lock (_gate) return _queued.Writer.GetMemory(sizeHint);
    }

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public override void CancelPendingFlush()
    {
        lock (_gate) ReleaseFlush(new FlushResult(isCanceled: true, isCompleted: false));
    }

    public override void Complete(Exception? exception = null)
    {
        lock (_gate)
        {
            if (_senderDone) return;
            _senderDone = true;
            _queued.Writer.Complete();
            Deliver();
            ReleaseFlush(new FlushResult(isCanceled: false, isCompleted: true));
        }
        _network.Touch();
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        ValueTask<FlushResult> result;
        lock (_gate)
        {
            if (!_senderDone) _ = _queued.Writer.FlushAsync(CancellationToken.None); // unbounded: completes at once
            Deliver();
            if (_receiverDone || _advancedBytes - _deliveredBytes <= SendBuffer)
                result = ValueTask.FromResult(new FlushResult(isCanceled: false, isCompleted: _receiverDone));
            else
            {
                _flushWaiter = new TaskCompletionSource<FlushResult>(TaskCreationOptions.RunContinuationsAsynchronously);
                result = new ValueTask<FlushResult>(_flushWaiter.Task);
            }
        }
        _network.Touch();
        return result;
    }

    /// <summary>Completes a waiting flush with <paramref name="result"/>. Under the lock.</summary>
    private void ReleaseFlush(FlushResult result)
    {
        _flushWaiter?.TrySetResult(result);
        _flushWaiter = null;
    }

    /// <summary>Moves queued bytes to the receiver, as many as the allowance lets through. Under the lock.</summary>
    private void Deliver()
    {
        if (_deliveryDone) return;
        while (_queued.Reader.TryRead(out var result))
        {
            var buffer = result.Buffer;
            long n = BytesPerSecond == 0 ? buffer.Length : Math.Min(buffer.Length, _allowance);
            if (n > 0)
            {
                foreach (var segment in buffer.Slice(0, n))
                {
                    _tap.Feed(segment.Span);
                    if (!_receiverDone) _delivered.Writer.Write(segment.Span);
                }
                if (BytesPerSecond != 0) _allowance -= n;
                _deliveredBytes += n;
                if (!_receiverDone) _ = _delivered.Writer.FlushAsync(CancellationToken.None);
            }
            bool all = n == buffer.Length;
            _queued.Reader.AdvanceTo(buffer.GetPosition(n));
            if (_flushWaiter is not null && _advancedBytes - _deliveredBytes <= SendBuffer)
                ReleaseFlush(new FlushResult(isCanceled: false, isCompleted: _receiverDone));
            if (all && result.IsCompleted)
            {
                _deliveryDone = true;
                _queued.Reader.Complete();
                _delivered.Writer.Complete();
                return;
            }
            if (!all || n == 0) return;
        }
    }

    private void OnExamined(long examined)
    {
        lock (_gate) _examinedBytes = Math.Max(_examinedBytes, examined);
        _network.Touch();
    }

    private void OnReceiverDone()
    {
        lock (_gate)
        {
            _receiverDone = true;
            ReleaseFlush(new FlushResult(isCanceled: false, isCompleted: true));
        }
        _network.Touch();
    }

    /// <summary>The receiver's reader: counts how far the receiver has looked (examined) into what was delivered.</summary>
    private sealed class ObservedReader(SimulatedLink link, PipeReader inner) : PipeReader
    {
        private ReadOnlySequence<byte> _last;
        private long _base;

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            long used = _last.Slice(_last.Start, consumed).Length;
            long looked = _last.Slice(_last.Start, examined).Length;
            inner.AdvanceTo(consumed, examined);
            link.OnExamined(_base + looked);
            _base += used;
            _last = default;
        }

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null)
        {
            inner.Complete(exception);
            link.OnReceiverDone();
        }

        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var result = await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
            _last = result.Buffer;
            return result;
        }

        public override bool TryRead(out ReadResult result)
        {
            if (!inner.TryRead(out result)) return false;
            _last = result.Buffer;
            return true;
        }
    }
}
