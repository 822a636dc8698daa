using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace BitTorrent.Wire;

/// <summary>The outcome of <see cref="MessageReader.TryRead"/>.</summary>
public enum FrameStatus
{
    /// <summary>A whole, well-formed message was read.</summary>
    Complete,
    /// <summary>More bytes are needed; nothing was consumed.</summary>
    Incomplete,
    /// <summary>The frame length is above the limit.</summary>
    TooLarge,
    /// <summary>The payload size or a field does not fit the message id.</summary>
    Malformed,
}

/// <summary>
/// One decoded peer wire message. Fixed fields are parsed; <see cref="Payload"/> is a slice of the input (no copy)
/// holding the block of a piece, the bits of a bitfield, or the body of an extended or unknown message.
/// </summary>
public readonly struct WireMessage
{
    internal WireMessage(MessageId id, bool isKeepAlive, int index, int begin, int length, ReadOnlySequence<byte> payload)
    {
        Id = id;
        IsKeepAlive = isKeepAlive;
        Index = index;
        Begin = begin;
        Length = length;
        Payload = payload;
    }

    /// <summary>The message id (meaningless for a keep-alive).</summary>
    public MessageId Id { get; }

    /// <summary>True for a zero-length frame.</summary>
    public bool IsKeepAlive { get; }

    /// <summary>The piece index (have, request, piece, cancel, suggest, reject, allowed-fast), the DHT port (port), or the extended id (extended).</summary>
    public int Index { get; }

    /// <summary>The offset within the piece (request, piece, cancel, reject).</summary>
    public int Begin { get; }

    /// <summary>The block length (request, cancel, reject; for piece, the length of <see cref="Payload"/>).</summary>
    public int Length { get; }

    /// <summary>The variable part: piece block, bitfield bits, extended body (after the id byte), or an unknown message's payload.</summary>
    public ReadOnlySequence<byte> Payload { get; }

    /// <summary>The block triple of a request, cancel or reject.</summary>
    public BlockRequest Block => new(Index, Begin, Length);
}

/// <summary>Decodes length-prefixed peer wire frames from a byte sequence without copying.</summary>
public static class MessageReader
{
    /// <summary>
    /// Reads one frame. On <see cref="FrameStatus.Complete"/> the reader is past the frame; on
    /// <see cref="FrameStatus.Incomplete"/> it is unmoved; otherwise <paramref name="error"/> says what is wrong.
    /// </summary>
    public static FrameStatus TryRead(ref SequenceReader<byte> reader, int maxLength, out WireMessage message, out string? error)
    {
        var span = reader.UnreadSpan;
        if (span.Length >= 4)
        {
            // Fast path: a keep-alive, or a fixed-size message whose whole frame is in the current segment.
            int frameLength = BinaryPrimitives.ReadInt32BigEndian(span);
            if (frameLength == 0)
            {
                message = new WireMessage(default, isKeepAlive: true, 0, 0, 0, default);
                error = null;
                reader.Advance(4);
                return FrameStatus.Complete;
            }
            if (frameLength is > 0 and <= 13 && frameLength <= maxLength && span.Length - 4 >= frameLength)
            {
                var fixedId = (MessageId)span[4];
                if (ExpectedSize(fixedId) == frameLength - 1)
                {
                    message = ParseFixed(fixedId, span.Slice(5, frameLength - 1));
                    error = null;
                    reader.Advance(4 + frameLength);
                    return FrameStatus.Complete;
                }
            }
        }
        return TryReadAny(ref reader, maxLength, out message, out error);
    }

    /// <summary>A message of one of the fixed sizes (0, 2, 4 or 12 bytes after the id), already checked against its id.</summary>
    private static WireMessage ParseFixed(MessageId id, ReadOnlySpan<byte> fields) => fields.Length switch
    {
        0 => new WireMessage(id, false, 0, 0, 0, default),
        2 => new WireMessage(id, false, BinaryPrimitives.ReadUInt16BigEndian(fields), 0, 0, default),
        4 => new WireMessage(id, false, BinaryPrimitives.ReadInt32BigEndian(fields), 0, 0, default),
        _ => new WireMessage(id, false, BinaryPrimitives.ReadInt32BigEndian(fields), BinaryPrimitives.ReadInt32BigEndian(fields[4..]),
            BinaryPrimitives.ReadInt32BigEndian(fields[8..]), default),
    };

    /// <summary>Every other frame: variable-size messages, frames split across segments, and errors.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static FrameStatus TryReadAny(ref SequenceReader<byte> reader, int maxLength, out WireMessage message, out string? error)
    {
        message = default;
        error = null;
        var span = reader.UnreadSpan;
        int length;
        if (span.Length >= 4) length = BinaryPrimitives.ReadInt32BigEndian(span);
        else if (!reader.TryReadBigEndian(out length)) return FrameStatus.Incomplete;
        else reader.Rewind(4);
        if (length < 0 || length > maxLength)
        {
            error = $"frame of {(uint)length} bytes exceeds {maxLength}";
            return FrameStatus.TooLarge;
        }
        if (reader.Remaining - 4 < length) return FrameStatus.Incomplete;
        if (length == 0)
        {
            reader.Advance(4);
            message = new WireMessage(default, isKeepAlive: true, 0, 0, 0, default);
            return FrameStatus.Complete;
        }
        int size = length - 1;
        MessageId id;
        Span<byte> copied = stackalloc byte[17];
        scoped ReadOnlySpan<byte> head;
        if (span.Length >= 4 + Math.Min(length, 13))
        {
            head = span[4..];
        }
        else
        {
            // The frame's fixed part straddles buffer segments: gather it.
            int headLength = Math.Min(length, 13);
            reader.UnreadSequence.Slice(4, headLength).CopyTo(copied);
            head = copied[..headLength];
        }
        id = (MessageId)head[0];
        int expected = ExpectedSize(id);
        if (expected >= 0 ? size != expected : size < -expected - 1)
        {
            reader.Advance(4 + length);
            error = $"{id} payload of {size} bytes, expected {(expected >= 0 ? expected.ToString(System.Globalization.CultureInfo.InvariantCulture) : "at least " + (-expected - 1))}";
            return FrameStatus.Malformed;
        }
        var fields = head[1..];
        message = expected >= 0 ? ParseFixed(id, fields[..expected]) : id switch
        {
            MessageId.Piece =>
                new WireMessage(id, false, BinaryPrimitives.ReadInt32BigEndian(fields), BinaryPrimitives.ReadInt32BigEndian(fields[4..]),
                    size - 8, reader.UnreadSequence.Slice(13, size - 8)),
            MessageId.Extended => new WireMessage(id, false, fields[0], 0, size - 1, reader.UnreadSequence.Slice(6, size - 1)),
            _ => new WireMessage(id, false, 0, 0, size, reader.UnreadSequence.Slice(5, size)),
        };
        reader.Advance(4 + length);
        return FrameStatus.Complete;
    }

    /// <summary>The exact payload size of <paramref name="id"/>, or -(minimum + 1) for variable-size messages.</summary>
    private static int ExpectedSize(MessageId id) => id switch
    {
        MessageId.Choke or MessageId.Unchoke or MessageId.Interested or MessageId.NotInterested or MessageId.HaveAll or MessageId.HaveNone => 0,
        MessageId.Have or MessageId.Suggest or MessageId.AllowedFast => 4,
        MessageId.Request or MessageId.Cancel or MessageId.Reject => 12,
        MessageId.Port => 2,
        MessageId.Piece => -9,
        MessageId.Extended => -2,
        _ => -1,
    };
}
