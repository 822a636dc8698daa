using System.Buffers;
using CsCheck;

namespace BitTorrent.Wire.Tests;

/// <summary>CsCheck properties of the framing: every message the writer makes reads back to the same fields, in one
/// segment or cut anywhere; any bytes at all give a status, never an exception.</summary>
public class MessagePropertyTests
{
    private const int MaxLength = 1 << 20;

    private static readonly MessageId[] Empty = [MessageId.Choke, MessageId.Unchoke, MessageId.Interested, MessageId.NotInterested, MessageId.HaveAll, MessageId.HaveNone];
    private static readonly MessageId[] Indexed = [MessageId.Have, MessageId.Suggest, MessageId.AllowedFast];
    private static readonly MessageId[] Blocks = [MessageId.Request, MessageId.Cancel, MessageId.Reject];

    /// <summary>A message as bytes with the fields it must read back as: id, index, begin, length, payload.</summary>
    private sealed record Framed(byte[] Bytes, MessageId Id, int Index, int Begin, int Length, byte[] Payload, bool KeepAlive);

    private static readonly Gen<Framed> AnyMessage = Gen.OneOf(
        Gen.Const(0).Select(_ => Write(d => MessageWriter.WriteKeepAlive(d), 4, default, 0, 0, 0, [], keepAlive: true)),
        Gen.Int[0, Empty.Length - 1].Select(i => Write(d => MessageWriter.WriteEmpty(d, Empty[i]), 5, Empty[i], 0, 0, 0, [])),
        Gen.Select(Gen.Int[0, Indexed.Length - 1], Gen.Int[0, int.MaxValue],
            (i, index) => Write(d => MessageWriter.WriteIndex(d, Indexed[i], index), 9, Indexed[i], index, 0, 0, [])),
        Gen.Select(Gen.Int[0, Blocks.Length - 1], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Gen.Int[0, 1 << 17],
            (i, index, begin, length) => Write(d => MessageWriter.WriteBlock(d, Blocks[i], new BlockRequest(index, begin, length)), 17,
                Blocks[i], index, begin, length, [])),
        Gen.UShort.Select(port => Write(d => MessageWriter.WritePort(d, port), 7, MessageId.Port, port, 0, 0, [])),
        Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Gen.Byte.Array[0, 600], (index, begin, block) =>
        {
            var header = new byte[13];
            MessageWriter.WritePieceHeader(header, index, begin, block.Length);
            return new Framed([.. header, .. block], MessageId.Piece, index, begin, block.Length, block, false);
        }),
        Gen.Select(Gen.OneOf(Gen.Const(MessageId.Bitfield), Gen.Const(MessageId.Extended)), Gen.Byte.Array[1, 300], (id, body) =>
        {
            var header = new byte[5];
            MessageWriter.WriteHeader(header, id, body.Length);
            // An extended message reads as its extended id (the first byte, in Index) and the rest as the payload.
            return id == MessageId.Extended
                ? new Framed([.. header, .. body], id, body[0], 0, 0, body[1..], false)
                : new Framed([.. header, .. body], id, 0, 0, 0, body, false);
        }));

    private static Framed Write(Func<byte[], int> write, int size, MessageId id, int index, int begin, int length, byte[] payload, bool keepAlive = false)
    {
        var bytes = new byte[size];
        Assert.Equal(size, write(bytes));
        return new Framed(bytes, id, index, begin, length, payload, keepAlive);
    }

    [Fact]
    public void Every_written_message_reads_back_the_same_in_one_segment_or_cut_anywhere() =>
        Gen.Select(AnyMessage.Array[1, 6], Gen.Int[1, 64]).Sample((messages, cut) =>
        {
            byte[] stream = [.. messages.SelectMany(m => m.Bytes)];
            AssertReads(new ReadOnlySequence<byte>(stream), messages);
            AssertReads(Segments(stream, cut), messages);
        });

    [Fact]
    public void Any_bytes_give_a_status_and_never_throw() =>
        Gen.Select(Gen.Byte.Array[0, 200], Gen.Int[1, 16]).Sample((bytes, cut) =>
        {
            foreach (var sequence in new[] { new ReadOnlySequence<byte>(bytes), Segments(bytes, cut) })
            {
                var reader = new SequenceReader<byte>(sequence);
                while (true)
                {
                    long before = reader.Consumed;
                    var status = MessageReader.TryRead(ref reader, 64, out _, out string? error);
                    if (status == FrameStatus.Complete) { Assert.True(reader.Consumed > before); continue; }
                    if (status == FrameStatus.Incomplete) Assert.Equal(before, reader.Consumed);
                    else Assert.False(string.IsNullOrEmpty(error));
                    break;
                }
            }
        });

    private static void AssertReads(ReadOnlySequence<byte> sequence, Framed[] expected)
    {
        var reader = new SequenceReader<byte>(sequence);
        foreach (var m in expected)
        {
            Assert.Equal(FrameStatus.Complete, MessageReader.TryRead(ref reader, MaxLength, out var message, out _));
            Assert.Equal(m.KeepAlive, message.IsKeepAlive);
            if (m.KeepAlive) continue;
            Assert.Equal(m.Id, message.Id);
            Assert.Equal((m.Index, m.Begin), (message.Index, message.Begin));
            if (m.Id is MessageId.Request or MessageId.Cancel or MessageId.Reject) Assert.Equal(m.Length, message.Length);
            if (m.Id is MessageId.Piece or MessageId.Bitfield or MessageId.Extended) Assert.Equal(m.Payload, message.Payload.ToArray());
        }
        Assert.Equal(0, reader.Remaining);
    }

    /// <summary>The same bytes as a chain of segments of <paramref name="size"/> bytes (the last shorter).</summary>
    private static ReadOnlySequence<byte> Segments(byte[] bytes, int size)
    {
        if (bytes.Length == 0) return ReadOnlySequence<byte>.Empty;
        Segment? first = null, last = null;
        for (int i = 0; i < bytes.Length; i += size)
        {
            var segment = new Segment(bytes.AsMemory(i, Math.Min(size, bytes.Length - i)), i);
            if (last is null) first = segment;
            else last.SetNext(segment);
            last = segment;
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}
