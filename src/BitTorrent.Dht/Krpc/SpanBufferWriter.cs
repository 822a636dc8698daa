using System.Buffers;

namespace BitTorrent.Dht.Krpc;

/// <summary>A growable buffer writer reused per thread, so encoding a datagram allocates nothing in steady state.</summary>
internal sealed class SpanBufferWriter : IBufferWriter<byte>
{
    [ThreadStatic]
    private static SpanBufferWriter? s_cached;

    private byte[] _buffer = new byte[2048];
    private int _written;

    /// <summary>Takes this thread's writer (or a new one when it is in use); give it back with <see cref="Reset"/>.</summary>
    public static SpanBufferWriter Rent()
    {
        var writer = s_cached ?? new SpanBufferWriter();
        s_cached = null;
        return writer;
    }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public void Reset()
    {
        _written = 0;
        s_cached = this;
    }

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    private void Ensure(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written < needed)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _written + needed));
        }
    }
}
