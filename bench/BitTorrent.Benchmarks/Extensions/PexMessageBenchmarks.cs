using System.Buffers;
using System.Net;
using BenchmarkDotNet.Attributes;
using BitTorrent.Extensions;

namespace BitTorrent.Benchmarks.Extensions;

/// <summary>Encoding and decoding a full ut_pex message: 50 IPv4 and 50 IPv6 added peers with flags, 50 dropped.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class PexMessageBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private PexMessage _message = null!;
    private byte[] _encoded = [];

    /// <summary>Builds the message and its encoding.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var added = new List<PexPeer>();
        for (int i = 0; i < 50; i++)
            added.Add(new PexPeer(new IPEndPoint(new IPAddress([10, 1, (byte)(i / 256), (byte)i]), 6881 + i), (PexFlags)(i & 0x1F)));
        for (int i = 0; i < 50; i++)
            added.Add(new PexPeer(new IPEndPoint(IPAddress.Parse($"2001:db8::{i + 1:x}"), 51413 - i), PexFlags.SupportsUtp | PexFlags.Reachable));
        var dropped = new List<IPEndPoint>();
        for (int i = 0; i < 25; i++) dropped.Add(new IPEndPoint(new IPAddress([192, 168, 0, (byte)i]), 1000 + i));
        for (int i = 0; i < 25; i++) dropped.Add(new IPEndPoint(IPAddress.Parse($"fe80::{i + 1:x}"), 2000 + i));
        _message = new PexMessage(added, dropped);
        _encoded = _message.ToArray();
    }

    /// <summary>Encodes into a reused buffer.</summary>
    [Benchmark]
    public int Encode()
    {
        _output.ResetWrittenCount();
        _message.WriteTo(_output);
        return _output.WrittenCount;
    }

    /// <summary>Decodes the whole message into peer records.</summary>
    [Benchmark]
    public int Decode() => PexMessage.Decode(_encoded).Added.Count;
}
