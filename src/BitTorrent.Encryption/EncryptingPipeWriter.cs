using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace BitTorrent.Encryption;

/// <summary>
/// A <see cref="PipeWriter"/> over the connection's writer that encrypts with RC4 (or passes through when the
/// cipher is null), writing straight into the inner pipe's buffers: nothing is copied twice or allocated per write.
/// When the initial payload (IA) of the handshake already carried our BitTorrent handshake, the same bytes written
/// first by the wire are dropped here instead of being sent twice.
/// </summary>
internal sealed class EncryptingPipeWriter(PipeWriter inner, Rc4? cipher, ReadOnlyMemory<byte> alreadySent) : PipeWriter
{
    private ReadOnlyMemory<byte> _alreadySent = alreadySent;
    private Memory<byte> _current;

    /// <inheritdoc />
    public override Memory<byte> GetMemory(int sizeHint = 0) => _current = inner.GetMemory(sizeHint);

    /// <inheritdoc />
    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    /// <inheritdoc />
    public override void Advance(int bytes)
    {
        var written = _current.Span[..bytes];
        _current = default;
        var skipped = SkipAlreadySent(written);
        if (skipped > 0)
        {
            written[skipped..].CopyTo(written);
            written = written[..(bytes - skipped)];
        }
        cipher?.Transform(written);
        inner.Advance(written.Length);
    }

    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        source = source[SkipAlreadySent(source.Span)..];
        // A plaintext connection (after a plain handshake sent for a retry decision) hands whole writes on uncopied.
        if (cipher is null)
            return source.IsEmpty ? await inner.FlushAsync(cancellationToken).ConfigureAwait(false)
                : await inner.WriteAsync(source, cancellationToken).ConfigureAwait(false);
        while (!source.IsEmpty)
        {
            var destination = inner.GetSpan(Math.Min(source.Length, 64 * 1024));
            var count = Math.Min(destination.Length, source.Length);
            cipher.Transform(source.Span[..count], destination);
            inner.Advance(count);
            source = source[count..];
        }
        return await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private int SkipAlreadySent(ReadOnlySpan<byte> written)
    {
        if (_alreadySent.IsEmpty) return 0;
        var count = Math.Min(written.Length, _alreadySent.Length);
        if (!written[..count].SequenceEqual(_alreadySent.Span[..count]))
            throw new InvalidOperationException("the first bytes written must repeat the initial payload the MSE handshake already sent");
        _alreadySent = _alreadySent[count..];
        return count;
    }

    /// <inheritdoc />
    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

    /// <inheritdoc />
    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    /// <inheritdoc />
    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    /// <inheritdoc />
    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    /// <inheritdoc />
    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    /// <inheritdoc />
    public override long UnflushedBytes => inner.UnflushedBytes;
}
