using System.Buffers;
using BenchmarkDotNet.Attributes;
using BitTorrent.Extensions;

namespace BitTorrent.Benchmarks.Extensions;

/// <summary>Encoding and decoding a ut_metadata data message carrying a full 16 KiB piece.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class MetadataMessageBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(32 * 1024);
    private readonly byte[] _piece = new byte[MetadataMessage.PieceLength];
    private byte[] _encoded = [];

    /// <summary>Fills the piece and encodes the message once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        new Random(9).NextBytes(_piece);
        _encoded = MetadataMessage.DataPiece(3, 100_000, _piece).ToArray();
    }

    /// <summary>Encodes into a reused buffer.</summary>
    [Benchmark]
    public int EncodeData()
    {
        _output.ResetWrittenCount();
        MetadataMessage.DataPiece(3, 100_000, _piece).WriteTo(_output);
        return _output.WrittenCount;
    }

    /// <summary>Decodes the dictionary and slices the piece (no copy).</summary>
    [Benchmark]
    public int DecodeData() => MetadataMessage.Decode(_encoded).Data.Length;
}
