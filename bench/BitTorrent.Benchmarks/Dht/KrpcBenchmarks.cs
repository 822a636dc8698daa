using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using BitTorrent.Dht;
using BitTorrent.Dht.Krpc;

namespace BitTorrent.Benchmarks.Dht;

/// <summary>KRPC decode and encode of each message kind (BEP 5, 44, 51).</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class KrpcBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(2048);
    private readonly byte[] _id = Encoding.ASCII.GetBytes("abcdefghij0123456789");
    private readonly byte[] _target = Encoding.ASCII.GetBytes("mnopqrstuvwxyz123456");
    private readonly byte[] _token = Encoding.ASCII.GetBytes("aoeusnth");
    private readonly byte[] _nodes = new byte[20 * 26];
    private readonly byte[] _values;
    private readonly byte[] _value = Encoding.ASCII.GetBytes("12:Hello World!");
    private readonly byte[] _key = new byte[32];
    private readonly byte[] _signature = new byte[64];
    private readonly byte[] _ip = [198, 51, 100, 7, 0x1a, 0xe1];
    private byte[] _datagram = [];

    /// <summary>Creates the payloads.</summary>
    public KrpcBenchmarks()
    {
        new Random(1).NextBytes(_nodes);
        var peers = new NodeEndPoint[50];
        for (int i = 0; i < peers.Length; i++)
        {
            peers[i] = NodeEndPoint.FromAddressBytes([10, 0, (byte)i, 1], (ushort)(6881 + i));
        }
        var buffer = new byte[50 * 8 + 2];
        _values = buffer.AsSpan(0, KrpcValues.Write(peers, buffer)).ToArray();
    }

    /// <summary>The message kinds.</summary>
    public static IEnumerable<string> Messages =>
    [
        "ping_q", "ping_r", "find_node_q", "find_node_r", "get_peers_q", "get_peers_r_values",
        "announce_peer_q", "get_r_mutable", "put_q_mutable", "sample_infohashes_r", "error",
    ];

    /// <summary>The message kind under test.</summary>
    [ParamsSource(nameof(Messages))]
    public string Message { get; set; } = "ping_q";

    /// <summary>Encodes the message once so Decode has input.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Encode();
        _datagram = _output.WrittenSpan.ToArray();
    }

    /// <summary>Decodes one datagram (all spans point into it).</summary>
    [Benchmark]
    public int Decode()
    {
        KrpcCodec.TryDecode(_datagram, out var message, out _);
        return message.TransactionId.Length + message.Id.Length;
    }

    /// <summary>Builds and encodes one message.</summary>
    [Benchmark]
    public int Encode()
    {
        _output.ResetWrittenCount();
        var m = default(KrpcMessage);
        m.TransactionId = "aa"u8;
        m.Id = _id;
        switch (Message)
        {
            case "ping_q": m.Type = KrpcMessageType.Query; m.Method = KrpcMethod.Ping; break;
            case "ping_r": m.Type = KrpcMessageType.Response; m.RequesterIp = _ip; break;
            case "find_node_q": m.Type = KrpcMessageType.Query; m.Method = KrpcMethod.FindNode; m.Target = _target; break;
            case "find_node_r": m.Type = KrpcMessageType.Response; m.Nodes = _nodes; m.RequesterIp = _ip; break;
            case "get_peers_q": m.Type = KrpcMessageType.Query; m.Method = KrpcMethod.GetPeers; m.InfoHash = _target; break;
            case "get_peers_r_values": m.Type = KrpcMessageType.Response; m.Token = _token; m.Values = _values; m.RequesterIp = _ip; break;
            case "announce_peer_q":
                m.Type = KrpcMessageType.Query; m.Method = KrpcMethod.AnnouncePeer; m.InfoHash = _target; m.Port = 6881; m.ImpliedPort = 1; m.Token = _token;
                break;
            case "get_r_mutable":
                m.Type = KrpcMessageType.Response; m.Token = _token; m.Value = _value; m.Key = _key; m.Signature = _signature; m.Sequence = 1;
                m.Nodes = _nodes.AsSpan(0, 8 * 26);
                break;
            case "put_q_mutable":
                m.Type = KrpcMessageType.Query; m.Method = KrpcMethod.Put; m.Token = _token; m.Value = _value; m.Key = _key;
                m.Signature = _signature; m.Sequence = 1; m.Salt = "foobar"u8;
                break;
            case "sample_infohashes_r":
                m.Type = KrpcMessageType.Response; m.Interval = 21600; m.Num = 100; m.Samples = _nodes.AsSpan(0, 20 * 20);
                m.Nodes = _nodes.AsSpan(0, 8 * 26);
                break;
            default: m.Type = KrpcMessageType.Error; m.ErrorCode = 201; m.ErrorMessage = "A Generic Error Ocurred"u8; break;
        }
        KrpcCodec.Encode(m, _output);
        return _output.WrittenCount;
    }
}
