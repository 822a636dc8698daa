using System.Buffers;
using System.IO.Pipelines;

namespace BitTorrent.Wire;

/// <summary>A pipe writer over a stream whose <see cref="WriteAsync"/> writes the caller's memory directly.</summary>
internal sealed class DirectStreamWriter(Stream stream) : PipeWriter
{
    private byte[]? _buffer;
    private int _buffered;
    private bool _completed;

    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default) =>
        _buffered == 0 ? WriteDirectAsync(source, cancellationToken) : base.WriteAsync(source, cancellationToken);

    private async ValueTask<FlushResult> WriteDirectAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(source, cancellationToken).ConfigureAwait(false);
        return new FlushResult(isCanceled: false, isCompleted: false);
    }

    public override void Advance(int bytes) => _buffered += bytes;

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        int needed = _buffered + Math.Max(sizeHint, 1);
        if (_buffer is null || _buffer.Length < needed)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, 4096));
            _buffer?.AsSpan(0, _buffered).CopyTo(bigger);
            if (_buffer is not null) ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        return _buffer.AsMemory(_buffered);
    }

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    /// <summary>
    /// Writes the buffered bytes. The wire completes its transport from another thread when it closes (also while its
    /// send loop writes), so the flush takes the buffer over before it writes, and fails with
    /// <see cref="ObjectDisposedException"/> when the writer was completed under it.
    /// </summary>
    public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_buffered > 0)
        {
            var buffer = Interlocked.Exchange(ref _buffer, null) ?? throw new ObjectDisposedException(nameof(DirectStreamWriter), "the writer was completed");
            int count = _buffered;
            _buffered = 0;
            try
            {
                await stream.WriteAsync(buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        return new FlushResult(isCanceled: false, isCompleted: _completed);
    }

    public override void CancelPendingFlush()
    {
    }

    /// <summary>Completes the writer and disposes the stream. A buffer not yet flushed is dropped, not returned to the pool:
    /// the send loop may still be filling it on another thread.</summary>
    public override void Complete(Exception? exception = null)
    {
        if (_completed) return;
        _completed = true;
        Volatile.Write(ref _buffer, null);
        stream.Dispose();
    }

    /// <inheritdoc cref="Complete"/>
    public override async ValueTask CompleteAsync(Exception? exception = null)
    {
        if (_completed) return;
        _completed = true;
        Volatile.Write(ref _buffer, null);
        await stream.DisposeAsync().ConfigureAwait(false);
    }
}
