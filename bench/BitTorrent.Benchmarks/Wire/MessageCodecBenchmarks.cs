using System.Buffers;
using BenchmarkDotNet.Attributes;
using BitTorrent.Bencode;
using BitTorrent.Wire;

namespace BitTorrent.Benchmarks.Wire;

/// <summary>Decoding and encoding of every peer wire message type.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class MessageCodecBenchmarks
{
    private static readonly Dictionary<string, byte[]> Frames = new()
    {
        ["keep-alive"] = Convert.FromHexString("00000000"),
        ["choke"] = Convert.FromHexString("0000000100"),
        ["unchoke"] = Convert.FromHexString("0000000101"),
        ["interested"] = Convert.FromHexString("0000000102"),
        ["not-interested"] = Convert.FromHexString("0000000103"),
        ["have"] = Convert.FromHexString("000000050400000102"),
        ["bitfield"] = Convert.FromHexString("0000001105" + new string('f', 32)),
        ["request"] = Convert.FromHexString("0000000d06000000010000400000004000"),
        ["piece-16k"] = [.. Convert.FromHexString("00004009070000000100004000"), .. new byte[16384]],
        ["cancel"] = Convert.FromHexString("0000000d08000000010000400000004000"),
        ["port"] = Convert.FromHexString("00000003091ae1"),
        ["suggest"] = Convert.FromHexString("000000050d00000102"),
        ["have-all"] = Convert.FromHexString("000000010e"),
        ["have-none"] = Convert.FromHexString("000000010f"),
        ["reject"] = Convert.FromHexString("0000000d10000000010000400000004000"),
        ["allowed-fast"] = Convert.FromHexString("000000051100000102"),
        ["extended-handshake"] = ExtendedHandshakeFrame(),
    };

    private const int FramesPerInvoke = 64;
    private readonly byte[] _output = new byte[64];
    private ReadOnlySequence<byte> _frames;
    private byte[] _extendedBody = [];
    private bool _isExtendedHandshake;

    /// <summary>The message to decode.</summary>
    [ParamsSource(nameof(MessageNames))]
    public string Message { get; set; } = "";

    /// <summary>Every message name.</summary>
    public static IEnumerable<string> MessageNames => Frames.Keys;

    /// <summary>Prepares the input.</summary>
    [GlobalSetup]
    public void Setup()
    {
        // The read loop decodes every frame of a socket read in one pass; so does this benchmark.
        _frames = new ReadOnlySequence<byte>(Enumerable.Repeat(Frames[Message], FramesPerInvoke).SelectMany(f => f).ToArray());
        _extendedBody = Frames["extended-handshake"][6..];
        _isExtendedHandshake = Message == "extended-handshake";
    }

    /// <summary>Frames and parses one message (per operation; 64 back to back per invocation). The extended handshake's body is parsed too.</summary>
    [Benchmark(OperationsPerInvoke = FramesPerInvoke)]
    public long Decode()
    {
        var reader = new SequenceReader<byte>(_frames);
        long sum = 0;
        while (MessageReader.TryRead(ref reader, 128 * 1024 + 13, out var message, out _) == FrameStatus.Complete)
        {
            sum += message.Index + message.Length;
            if (_isExtendedHandshake) sum += ExtendedHandshake.Parse(_extendedBody).Reqq ?? 0;
        }
        return sum;
    }

    /// <summary>Writes the message's header (a piece writes its 13-byte header; the block is copied by the caller).</summary>
    [Benchmark]
    public int Encode() => Message switch
    {
        "keep-alive" => MessageWriter.WriteKeepAlive(_output),
        "choke" => MessageWriter.WriteEmpty(_output, MessageId.Choke),
        "unchoke" => MessageWriter.WriteEmpty(_output, MessageId.Unchoke),
        "interested" => MessageWriter.WriteEmpty(_output, MessageId.Interested),
        "not-interested" => MessageWriter.WriteEmpty(_output, MessageId.NotInterested),
        "have" => MessageWriter.WriteIndex(_output, MessageId.Have, 258),
        "bitfield" => MessageWriter.WriteHeader(_output, MessageId.Bitfield, 16),
        "request" => MessageWriter.WriteBlock(_output, MessageId.Request, new BlockRequest(1, 16384, 16384)),
        "piece-16k" => MessageWriter.WritePieceHeader(_output, 1, 16384, 16384),
        "cancel" => MessageWriter.WriteBlock(_output, MessageId.Cancel, new BlockRequest(1, 16384, 16384)),
        "port" => MessageWriter.WritePort(_output, 6881),
        "suggest" => MessageWriter.WriteIndex(_output, MessageId.Suggest, 258),
        "have-all" => MessageWriter.WriteEmpty(_output, MessageId.HaveAll),
        "have-none" => MessageWriter.WriteEmpty(_output, MessageId.HaveNone),
        "reject" => MessageWriter.WriteBlock(_output, MessageId.Reject, new BlockRequest(1, 16384, 16384)),
        "allowed-fast" => MessageWriter.WriteIndex(_output, MessageId.AllowedFast, 258),
        _ => EncodeExtendedHandshake(),
    };

    private int EncodeExtendedHandshake()
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        new BDictionary
        {
            ["m"] = new BDictionary { ["ut_metadata"] = 2, ["ut_pex"] = 1 },
            ["metadata_size"] = 31235,
            ["reqq"] = 250,
            ["v"] = "BitTorrent.NET 0.1",
        }.WriteTo(new BencodeWriter(buffer));
        return buffer.WrittenCount;
    }

    private static byte[] ExtendedHandshakeFrame()
    {
        var body = "d1:md11:ut_metadatai2e6:ut_pexi1ee13:metadata_sizei31235e4:reqqi250e1:v18:BitTorrent.NET 0.1e"u8;
        var frame = new byte[6 + body.Length];
        MessageWriter.WriteHeader(frame, MessageId.Extended, 1 + body.Length);
        body.CopyTo(frame.AsSpan(6));
        return frame;
    }
}
