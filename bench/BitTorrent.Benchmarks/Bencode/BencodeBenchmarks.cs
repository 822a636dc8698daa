using System.Buffers;
using BenchmarkDotNet.Attributes;
using BitTorrent.Bencode;

namespace BitTorrent.Benchmarks.Bencode;

/// <summary>Bencode reading and writing: the token reader (no model), the model decoder, and the writer.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class BencodeBenchmarks
{
    private readonly byte[] _handshake = "d1:md11:lt_donthavei7e11:ut_metadatai2e6:ut_pexi1ee13:metadata_sizei31235e4:reqqi250e1:v14:BitTorrent/1.0e"u8.ToArray();
    private readonly ArrayBufferWriter<byte> _output = new(256);

    /// <summary>Walks every token of an extended handshake without building a model.</summary>
    [Benchmark]
    public long ReadTokens()
    {
        var reader = new BencodeReader(_handshake);
        long sum = 0;
        reader.ReadDictionaryStart();
        while (!reader.TryReadEnd())
        {
            sum += reader.ReadString().Length;
            sum += reader.ReadRawValue().Length;
        }
        return sum;
    }

    /// <summary>Decodes an extended handshake into the BValue model.</summary>
    [Benchmark]
    public int DecodeModel() => global::BitTorrent.Bencode.Bencode.DecodeDictionary(_handshake).Count;

    /// <summary>Writes an extended handshake token by token.</summary>
    [Benchmark]
    public int WriteTokens()
    {
        _output.ResetWrittenCount();
        var w = new BencodeWriter(_output);
        w.WriteDictionaryStart();
        w.WriteString("m"u8);
        w.WriteDictionaryStart();
        w.WriteString("ut_metadata"u8);
        w.WriteInteger(2);
        w.WriteString("ut_pex"u8);
        w.WriteInteger(1);
        w.WriteEnd();
        w.WriteString("reqq"u8);
        w.WriteInteger(250);
        w.WriteEnd();
        return _output.WrittenCount;
    }
}
