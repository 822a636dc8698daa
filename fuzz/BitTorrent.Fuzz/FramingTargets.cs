using System.Buffers;
using BitTorrent.Wire;

namespace BitTorrent.Fuzz;

/// <summary>Fuzz targets for peer wire framing (<see cref="MessageReader"/>).</summary>
public static class FramingTargets
{
    /// <summary>The frame limit the targets read with: a 16 KiB block plus its piece header.</summary>
    public const int MaxFrameLength = 16 * 1024 + 13;

    /// <summary>
    /// Reads every frame of the input as one segment. Oracle: no exception; every complete frame, written back with
    /// <see cref="MessageWriter"/>, gives exactly the bytes it was read from; a malformed frame is skipped by its length.
    /// </summary>
    public static void OneSegment(byte[] input)
    {
        var budget = AllocationBudget.ForThread(input.Length, 16 * 1024, 8);
        ReadAll(new ReadOnlySequence<byte>(input), input);
        budget.Check("framing");
    }

    /// <summary>
    /// Reads the same bytes split into segments whose lengths come from the input itself. Oracle: the frames, their
    /// statuses and where each ends are the same as when the input is one segment.
    /// </summary>
    public static void Split(byte[] input)
    {
        var budget = AllocationBudget.ForThread(input.Length, 16 * 1024, 96);
        var whole = ReadAll(new ReadOnlySequence<byte>(input), input);
        var split = ReadAll(SplitSequence(input), input);
        Oracle.Check(whole.Count == split.Count, $"one segment read {whole.Count} frames, split read {split.Count}");
        for (int i = 0; i < whole.Count; i++)
            Oracle.Check(whole[i] == split[i], $"frame {i}: one segment {whole[i]}, split {split[i]}");
        budget.Check("framing_split");
    }

    /// <summary>The input cut into segments of 1 to 8 bytes, each length taken from the input byte at its start.</summary>
    public static ReadOnlySequence<byte> SplitSequence(byte[] input)
    {
        if (input.Length == 0) return ReadOnlySequence<byte>.Empty;
        Segment? first = null, last = null;
        int offset = 0;
        while (offset < input.Length)
        {
            int length = Math.Min(1 + (input[offset] * 31 + offset) % 8, input.Length - offset);
            var segment = new Segment(input.AsMemory(offset, length));
            if (last is null) first = segment;
            else last.Append(segment);
            last = segment;
            offset += length;
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private static List<Frame> ReadAll(ReadOnlySequence<byte> sequence, byte[] input)
    {
        var frames = new List<Frame>();
        var reader = new SequenceReader<byte>(sequence);
        while (true)
        {
            long start = reader.Consumed;
            var status = MessageReader.TryRead(ref reader, MaxFrameLength, out var message, out var error);
            if (status == FrameStatus.Incomplete)
            {
                Oracle.Check(reader.Consumed == start, "an incomplete frame moved the reader");
                break;
            }
            frames.Add(new Frame(status, start, reader.Consumed));
            if (status == FrameStatus.TooLarge)
            {
                Oracle.Check(error is not null && reader.Consumed == start, "a frame over the limit moved the reader or has no reason");
                break;
            }
            if (status == FrameStatus.Malformed)
            {
                Oracle.Check(error is not null && reader.Consumed > start, "a malformed frame was not skipped or has no reason");
                continue;
            }
            var bytes = input.AsSpan((int)start, (int)(reader.Consumed - start));
            Oracle.SameBytes(bytes, Encode(message), "frame re-encoding");
        }
        return frames;
    }

    private static byte[] Encode(in WireMessage message)
    {
        var buffer = new byte[17 + message.Payload.Length + 1];
        int written;
        if (message.IsKeepAlive) return buffer[..MessageWriter.WriteKeepAlive(buffer)];
        switch (message.Id)
        {
            case MessageId.Choke or MessageId.Unchoke or MessageId.Interested or MessageId.NotInterested or MessageId.HaveAll or MessageId.HaveNone:
                return buffer[..MessageWriter.WriteEmpty(buffer, message.Id)];
            case MessageId.Have or MessageId.Suggest or MessageId.AllowedFast:
                return buffer[..MessageWriter.WriteIndex(buffer, message.Id, message.Index)];
            case MessageId.Request or MessageId.Cancel or MessageId.Reject:
                return buffer[..MessageWriter.WriteBlock(buffer, message.Id, message.Block)];
            case MessageId.Port:
                return buffer[..MessageWriter.WritePort(buffer, checked((ushort)message.Index))];
            case MessageId.Piece:
                Oracle.Check(message.Length == message.Payload.Length, "a piece's length is not its block's");
                written = MessageWriter.WritePieceHeader(buffer, message.Index, message.Begin, message.Length);
                break;
            case MessageId.Extended:
                written = MessageWriter.WriteHeader(buffer, message.Id, 1 + (int)message.Payload.Length);
                buffer[written++] = checked((byte)message.Index);
                break;
            default:
                written = MessageWriter.WriteHeader(buffer, message.Id, (int)message.Payload.Length);
                break;
        }
        message.Payload.CopyTo(buffer.AsSpan(written));
        return buffer[..(written + (int)message.Payload.Length)];
    }

    private readonly record struct Frame(FrameStatus Status, long Start, long End);

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public void Append(Segment next)
        {
            next.RunningIndex = RunningIndex + Memory.Length;
            Next = next;
        }
    }
}
