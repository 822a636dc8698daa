using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace BitTorrent.Bencode;

/// <summary>
/// Writes bencode tokens into an <see cref="IBufferWriter{T}"/> without intermediate allocations.
/// The caller writes dictionary keys in ascending byte order (as BEP 3 requires); <see cref="BDictionary"/> does this for you.
/// </summary>
public readonly struct BencodeWriter
{
    private readonly IBufferWriter<byte> _output;

    /// <summary>Creates a writer appending to <paramref name="output"/>.</summary>
    public BencodeWriter(IBufferWriter<byte> output) => _output = output ?? throw new ArgumentNullException(nameof(output));

    /// <summary>Writes <c>i&lt;value&gt;e</c>.</summary>
    public void WriteInteger(long value)
    {
        var span = _output.GetSpan(22);
        span[0] = (byte)'i';
        Utf8Formatter.TryFormat(value, span[1..], out int written);
        span[1 + written] = (byte)'e';
        _output.Advance(written + 2);
    }

    /// <summary>Writes a byte string <c>&lt;length&gt;:&lt;bytes&gt;</c>.</summary>
    public void WriteString(ReadOnlySpan<byte> value)
    {
        var span = _output.GetSpan(11 + value.Length);
        Utf8Formatter.TryFormat(value.Length, span, out int written);
        span[written++] = (byte)':';
        value.CopyTo(span[written..]);
        _output.Advance(written + value.Length);
    }

    /// <summary>Writes <paramref name="value"/> as a UTF-8 byte string.</summary>
    public void WriteString(string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        var span = _output.GetSpan(11 + length);
        Utf8Formatter.TryFormat(length, span, out int written);
        span[written++] = (byte)':';
        Encoding.UTF8.GetBytes(value, span[written..]);
        _output.Advance(written + length);
    }

    /// <summary>Writes <c>l</c>.</summary>
    public void WriteListStart() => WriteByte((byte)'l');

    /// <summary>Writes <c>d</c>.</summary>
    public void WriteDictionaryStart() => WriteByte((byte)'d');

    /// <summary>Writes <c>e</c>, closing the current list or dictionary.</summary>
    public void WriteEnd() => WriteByte((byte)'e');

    /// <summary>Copies already-encoded bencode (for example a raw info dictionary) to the output.</summary>
    public void WriteRaw(ReadOnlySpan<byte> encoded) => _output.Write(encoded);

    private void WriteByte(byte b)
    {
        _output.GetSpan(1)[0] = b;
        _output.Advance(1);
    }
}
