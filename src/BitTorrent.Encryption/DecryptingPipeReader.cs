using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BitTorrent.Encryption;

/// <summary>
/// A <see cref="PipeReader"/> that decrypts the bytes of the pipe it wraps in place, each byte once, as they arrive:
/// nothing is copied or allocated per read. With a limit it decrypts that many bytes and passes the rest through
/// (a header-only connection whose initial payload was encrypted).
/// </summary>
internal sealed class DecryptingPipeReader(PipeReader inner, Rc4 cipher, long limit = long.MaxValue) : PipeReader
{
    private long _remaining = limit;
    private long _decrypted;
    private ReadOnlySequence<byte> _last;

    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
        Decrypt(await inner.ReadAsync(cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public override bool TryRead(out ReadResult result)
    {
        if (!inner.TryRead(out result)) return false;
        result = Decrypt(result);
        return true;
    }

    private ReadResult Decrypt(ReadResult result)
    {
        var buffer = result.Buffer;
        _last = buffer;
        if (_remaining == 0 || buffer.Length <= _decrypted) return result;
        var fresh = buffer.Slice(_decrypted);
        if (fresh.Length > _remaining) fresh = fresh.Slice(0, _remaining);
        // The reader owns these bytes until it advances past them, so decrypting them where they lie is safe.
        foreach (var segment in fresh) cipher.Transform(MemoryMarshal.AsMemory(segment).Span);
        _decrypted += fresh.Length;
        _remaining -= fresh.Length;
        return result;
    }

    /// <inheritdoc />
    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    /// <inheritdoc />
    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (_decrypted > 0) _decrypted = Math.Max(0, _decrypted - _last.Slice(_last.Start, consumed).Length);
        _last = default;
        inner.AdvanceTo(consumed, examined);
    }

    /// <inheritdoc />
    public override void CancelPendingRead() => inner.CancelPendingRead();

    /// <inheritdoc />
    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    /// <inheritdoc />
    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
}
