using System.Buffers;
using System.Text;
using BitTorrent.Dht.Krpc;

namespace BitTorrent.Dht.Tests;

public class KrpcCodecTests
{
    // The examples of BEP 5, byte for byte.
    private static readonly string[] Examples =
    [
        "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe",
        "d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re",
        "d1:ad2:id20:abcdefghij01234567896:target20:mnopqrstuvwxyz123456e1:q9:find_node1:t2:aa1:y1:qe",
        "d1:rd2:id20:0123456789abcdefghij5:nodes9:def456...e1:t2:aa1:y1:re",
        "d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456e1:q9:get_peers1:t2:aa1:y1:qe",
        "d1:rd2:id20:abcdefghij01234567895:token8:aoeusnth6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re",
        "d1:rd2:id20:abcdefghij01234567895:nodes9:def456...5:token8:aoeusnthe1:t2:aa1:y1:re",
        "d1:ad2:id20:abcdefghij012345678912:implied_porti1e9:info_hash20:mnopqrstuvwxyz1234564:porti6881e5:token8:aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe",
        "d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee",
    ];

    public static TheoryData<string> Bep5Examples => new(Examples);

    [Theory]
    [MemberData(nameof(Bep5Examples))]
    public void Bep5_examples_decode_and_reencode_byte_exact(string example)
    {
        var bytes = Encoding.ASCII.GetBytes(example);
        Assert.True(KrpcCodec.TryDecode(bytes, out var message, out var error), error.ToString());
        var output = new ArrayBufferWriter<byte>();
        KrpcCodec.Encode(message, output);
        Assert.Equal(example, Encoding.ASCII.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Ping_query_is_built_byte_exact()
    {
        var message = default(KrpcMessage);
        message.Type = KrpcMessageType.Query;
        message.Method = KrpcMethod.Ping;
        message.TransactionId = "aa"u8;
        message.Id = "abcdefghij0123456789"u8;
        Span<byte> buffer = stackalloc byte[128];
        int n = KrpcCodec.Encode(message, buffer);
        Assert.Equal("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe", Encoding.ASCII.GetString(buffer[..n]));
    }

    [Fact]
    public void Announce_peer_fields_are_decoded()
    {
        var bytes = Encoding.ASCII.GetBytes("d1:ad2:id20:abcdefghij012345678912:implied_porti1e9:info_hash20:mnopqrstuvwxyz1234564:porti6881e5:token8:aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe");
        Assert.True(KrpcCodec.TryDecode(bytes, out var m, out _));
        Assert.Equal(KrpcMessageType.Query, m.Type);
        Assert.Equal(KrpcMethod.AnnouncePeer, m.Method);
        Assert.Equal("abcdefghij0123456789", Encoding.ASCII.GetString(m.Id));
        Assert.Equal("mnopqrstuvwxyz123456", Encoding.ASCII.GetString(m.InfoHash));
        Assert.Equal(6881, m.Port);
        Assert.Equal(1, m.ImpliedPort);
        Assert.Equal("aoeusnth", Encoding.ASCII.GetString(m.Token));
        Assert.Equal("aa", Encoding.ASCII.GetString(m.TransactionId));
    }

    [Fact]
    public void Values_list_reads_compact_peers()
    {
        var bytes = Encoding.ASCII.GetBytes("d1:rd2:id20:abcdefghij01234567895:token8:aoeusnth6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re");
        Assert.True(KrpcCodec.TryDecode(bytes, out var m, out _));
        Span<NodeEndPoint> peers = stackalloc NodeEndPoint[4];
        int n = KrpcValues.Read(m.Values, peers);
        Assert.Equal(2, n);
        Assert.Equal("97.120.106.101:11893", peers[0].ToString());
        Assert.Equal("105.100.104.116:28269", peers[1].ToString());
    }

    [Fact]
    public void Error_fields_are_decoded()
    {
        var bytes = "d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee"u8.ToArray();
        Assert.True(KrpcCodec.TryDecode(bytes, out var m, out _));
        Assert.Equal(KrpcMessageType.Error, m.Type);
        Assert.Equal(201, m.ErrorCode);
        Assert.Equal("A Generic Error Ocurred", Encoding.ASCII.GetString(m.ErrorMessage));
    }

    [Fact]
    public void Bep32_43_44_51_fields_round_trip()
    {
        var m = default(KrpcMessage);
        m.Type = KrpcMessageType.Query;
        m.MethodName = "put"u8;
        m.TransactionId = "xy"u8;
        m.Id = new byte[20];
        m.ReadOnly = true;
        m.Want = KrpcWant.N4 | KrpcWant.N6;
        m.Value = "12:Hello World!"u8;
        m.Key = new byte[32];
        m.Signature = new byte[64];
        m.Salt = "foobar"u8;
        m.Sequence = 4;
        m.Cas = 3;
        m.Token = "tok"u8;
        var output = new ArrayBufferWriter<byte>();
        KrpcCodec.Encode(m, output);
        Assert.True(KrpcCodec.TryDecode(output.WrittenSpan, out var d, out var error), error.ToString());
        Assert.True(d.ReadOnly);
        Assert.Equal(KrpcMethod.Put, d.Method);
        Assert.Equal(KrpcWant.N4 | KrpcWant.N6, d.Want);
        Assert.Equal("12:Hello World!", Encoding.ASCII.GetString(d.Value));
        Assert.Equal("foobar", Encoding.ASCII.GetString(d.Salt));
        Assert.Equal(4, d.Sequence);
        Assert.Equal(3, d.Cas);
        Assert.Equal(32, d.Key.Length);
        Assert.Equal(64, d.Signature.Length);

        var r = default(KrpcMessage);
        r.Type = KrpcMessageType.Response;
        r.TransactionId = "xy"u8;
        r.Id = new byte[20];
        r.Interval = 21600;
        r.Num = 3;
        r.Samples = new byte[40];
        r.Nodes6 = new byte[38];
        r.RequesterIp = new byte[] { 1, 2, 3, 4, 0x1a, 0xe1 };
        output.Clear();
        KrpcCodec.Encode(r, output);
        Assert.True(KrpcCodec.TryDecode(output.WrittenSpan, out var dr, out error), error.ToString());
        Assert.Equal(21600, dr.Interval);
        Assert.Equal(3, dr.Num);
        Assert.Equal(40, dr.Samples.Length);
        Assert.Equal(38, dr.Nodes6.Length);
        Assert.True(NodeEndPoint.TryReadCompact(dr.RequesterIp, out var ip));
        Assert.Equal("1.2.3.4:6881", ip.ToString());
    }

    public static TheoryData<string, KrpcDecodeError> Malformed => new()
    {
        { "", KrpcDecodeError.Empty },
        { "i42e", KrpcDecodeError.NotADictionary },
        { "d1:t2:aa1:y1:q", KrpcDecodeError.InvalidBencode },
        { "garbage", KrpcDecodeError.InvalidBencode },
        { "d1:y1:qe", KrpcDecodeError.InvalidTransactionId },
        { "d1:t0:1:y1:qe", KrpcDecodeError.InvalidTransactionId },
        { "d1:ti1e1:y1:qe", KrpcDecodeError.InvalidTransactionId },
        { "d1:t2:aa1:y1:xe", KrpcDecodeError.InvalidMessageType },
        { "d1:t2:aae", KrpcDecodeError.InvalidMessageType },
        { "d1:t2:aa1:y1:qe", KrpcDecodeError.MissingQueryFields },
        { "d1:ad2:id20:abcdefghij0123456789e1:t2:aa1:y1:qe", KrpcDecodeError.MissingQueryFields },
        { "d1:ad2:id3:abce1:q4:ping1:t2:aa1:y1:qe", KrpcDecodeError.InvalidNodeId },
        { "d1:ade1:q4:ping1:t2:aa1:y1:qe", KrpcDecodeError.InvalidNodeId },
        { "d1:ad2:idi5ee1:q4:ping1:t2:aa1:y1:qe", KrpcDecodeError.InvalidFieldType },
        { "d1:al2:ide1:q4:ping1:t2:aa1:y1:qe", KrpcDecodeError.InvalidFieldType },
        { "d1:t2:aa1:y1:re", KrpcDecodeError.MissingResponse },
        { "d1:e3:abc1:t2:aa1:y1:ee", KrpcDecodeError.MalformedError },
        { "d1:ele1:t2:aa1:y1:ee", KrpcDecodeError.MalformedError },
        { "d1:t2:aa1:y1:ee", KrpcDecodeError.MalformedError },
        { "d1:t17:aaaaaaaaaaaaaaaaa1:y1:re", KrpcDecodeError.InvalidTransactionId },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_datagrams_give_a_typed_reason(string datagram, KrpcDecodeError expected)
    {
        Assert.False(KrpcCodec.TryDecode(Encoding.ASCII.GetBytes(datagram), out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Deep_nesting_and_oversize_are_refused()
    {
        var deep = "d1:ad2:id20:abcdefghij01234567891:x" + new string('l', 100) + new string('e', 100) + "e1:q4:ping1:t2:aa1:y1:qe";
        Assert.False(KrpcCodec.TryDecode(Encoding.ASCII.GetBytes(deep), out _, out var error));
        Assert.Equal(KrpcDecodeError.InvalidBencode, error);

        var big = new byte[1501];
        Assert.False(KrpcCodec.TryDecode(big, out _, out error));
        Assert.Equal(KrpcDecodeError.TooLarge, error);
    }

    [Fact]
    public void Random_mutations_never_throw()
    {
        var random = new Random(42);
        var seeds = Examples.Select(e => Encoding.ASCII.GetBytes(e)).ToArray();
        int rejected = 0;
        for (int i = 0; i < 20_000; i++)
        {
            var data = (byte[])seeds[random.Next(seeds.Length)].Clone();
            int edits = random.Next(1, 4);
            for (int e = 0; e < edits; e++)
            {
                data[random.Next(data.Length)] = (byte)random.Next(256);
            }
            if (random.Next(4) == 0)
            {
                data = data[..random.Next(data.Length)];
            }
            if (!KrpcCodec.TryDecode(data, out _, out var error))
            {
                Assert.NotEqual(KrpcDecodeError.None, error);
                rejected++;
            }
        }
        Assert.True(rejected > 1000);
    }

    [Fact]
    public void Unknown_method_name_is_kept()
    {
        var bytes = "d1:ad2:id20:abcdefghij0123456789e1:q5:vote51:t2:aa1:y1:qe"u8.ToArray();
        Assert.True(KrpcCodec.TryDecode(bytes, out var m, out _));
        Assert.Equal(KrpcMethod.Unknown, m.Method);
        Assert.Equal("vote5", Encoding.ASCII.GetString(m.MethodName));
    }
}
