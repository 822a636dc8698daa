using System.Buffers;
using BitTorrent.Wire;

namespace BitTorrent.Wire.Tests;

public class MessageReaderTests
{
    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes, Segment? previous)
        {
            Memory = bytes;
            if (previous is null) return;
            RunningIndex = previous.RunningIndex + previous.Memory.Length;
            previous.Next = this;
        }
    }

    /// <summary>The same bytes split into one segment per byte: every field straddles segments.</summary>
    private static ReadOnlySequence<byte> Fragmented(byte[] bytes)
    {
        var first = new Segment([bytes[0]], null);
        var last = first;
        foreach (byte b in bytes.AsSpan(1)) last = new Segment([b], last);
        return new ReadOnlySequence<byte>(first, 0, last, 1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Frames_decode_the_same_however_they_are_split(bool fragmented)
    {
        var bytes = Convert.FromHexString("0000000d060000000100004000000040000000000c070000000200008000010203000000051405616263000000050400000102000000");
        var sequence = fragmented ? Fragmented(bytes) : new ReadOnlySequence<byte>(bytes);
        var reader = new SequenceReader<byte>(sequence);

        Assert.Equal(FrameStatus.Complete, MessageReader.TryRead(ref reader, 1000, out var request, out _));
        Assert.Equal(new BlockRequest(1, 16384, 16384), request.Block);
        Assert.Equal(FrameStatus.Complete, MessageReader.TryRead(ref reader, 1000, out var piece, out _));
        Assert.Equal((MessageId.Piece, 2, 32768, 3), (piece.Id, piece.Index, piece.Begin, piece.Length));
        Assert.Equal([1, 2, 3], piece.Payload.ToArray());
        Assert.Equal(FrameStatus.Complete, MessageReader.TryRead(ref reader, 1000, out var extended, out _));
        Assert.Equal((MessageId.Extended, 5), (extended.Id, extended.Index));
        Assert.Equal("abc"u8.ToArray(), extended.Payload.ToArray());
        Assert.Equal(FrameStatus.Complete, MessageReader.TryRead(ref reader, 1000, out var have, out _));
        Assert.Equal(258, have.Index);
        long before = reader.Consumed;
        Assert.Equal(FrameStatus.Incomplete, MessageReader.TryRead(ref reader, 1000, out _, out _));
        Assert.Equal(before, reader.Consumed);
    }

    [Fact]
    public void Oversized_and_malformed_frames_are_reported()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Convert.FromHexString("000003e9")));
        Assert.Equal(FrameStatus.TooLarge, MessageReader.TryRead(ref reader, 1000, out _, out var error));
        Assert.Contains("1001", error);
        reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Convert.FromHexString("00000003040102")));
        Assert.Equal(FrameStatus.Malformed, MessageReader.TryRead(ref reader, 1000, out _, out error));
        Assert.Contains("Have payload of 2 bytes, expected 4", error);
    }
}
