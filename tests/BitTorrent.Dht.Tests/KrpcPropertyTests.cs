using System.Buffers;
using System.Net;
using BitTorrent.Bencode;
using BitTorrent.Dht.Krpc;
using CsCheck;

namespace BitTorrent.Dht.Tests;

/// <summary>
/// CsCheck properties of the KRPC codec: every message kind (BEP 5, 32, 42, 43, 44, 51 queries, their responses, errors)
/// decodes to the fields it was encoded from and re-encodes to the same bytes; any bytes at all decode or are refused
/// with a reason, never an exception.
/// </summary>
public class KrpcPropertyTests
{
    private const int MaxDatagram = 64 * 1024;

    /// <summary>A KRPC message as plain arrays (the codec's <see cref="KrpcMessage"/> is a ref struct); empty means absent.</summary>
    private sealed record Model
    {
        public KrpcMessageType Type { get; init; }
        public KrpcMethod Method { get; init; }
        public byte[] MethodName { get; init; } = [];
        public byte[] TransactionId { get; init; } = [];
        public byte[] Version { get; init; } = [];
        public byte[] RequesterIp { get; init; } = [];
        public bool ReadOnly { get; init; }
        public byte[] Id { get; init; } = [];
        public byte[] Target { get; init; } = [];
        public byte[] InfoHash { get; init; } = [];
        public byte[] Token { get; init; } = [];
        public long? Port { get; init; }
        public long? ImpliedPort { get; init; }
        public byte[] Nodes { get; init; } = [];
        public byte[] Nodes6 { get; init; } = [];
        public NodeEndPoint[] Peers { get; init; } = [];
        public KrpcWant Want { get; init; }
        public byte[] Value { get; init; } = [];
        public byte[] Key { get; init; } = [];
        public byte[] Signature { get; init; } = [];
        public byte[] Salt { get; init; } = [];
        public long? Sequence { get; init; }
        public long? Cas { get; init; }
        public long? Interval { get; init; }
        public long? Num { get; init; }
        public byte[] Samples { get; init; } = [];
        public long ErrorCode { get; init; }
        public byte[] ErrorMessage { get; init; } = [];
    }

    private static readonly Gen<byte[]> Hash = Gen.Byte.Array[20];
    private static readonly Gen<byte[]> Optional = Gen.Byte.Array[0, 24];
    private static readonly Gen<long?> OptionalLong = Gen.OneOf(Gen.Const((long?)null), Gen.Long.Select(v => (long?)v));
    private static readonly Gen<KrpcWant> Want = Gen.Int[0, 3].Select(w => (KrpcWant)w);
    private static readonly Gen<byte[]> Nodes = Gen.Int[0, 8].SelectMany(n => Gen.Byte.Array[26 * n]);
    private static readonly Gen<byte[]> Nodes6 = Gen.Int[0, 8].SelectMany(n => Gen.Byte.Array[38 * n]);

    private static readonly Gen<NodeEndPoint> Peer = Gen.Select(Gen.OneOf(Gen.Byte.Array[4], Gen.Byte.Array[16]), Gen.Int[1, 65535],
        (address, port) => NodeEndPoint.From(new IPEndPoint(new IPAddress(address), port)));

    /// <summary>A BEP 44 value: any small bencoded value.</summary>
    private static readonly Gen<byte[]> BencodedValue = Gen.OneOf(
        Gen.Long.Select(v => new BInteger(v).Encode()),
        Gen.Byte.Array[0, 40].Select(b => new BString(b).Encode()),
        Gen.Byte.Array[0, 8].Array[0, 4].Select(items => new BList(items.Select(b => (BValue)new BString(b)).ToList()).Encode()));

    /// <summary>What every query and response carries: t, v (optional), ip (BEP 42, optional) and the sender's id.</summary>
    private static readonly Gen<Model> Common = Gen.Select(Gen.Byte.Array[1, KrpcCodec.MaxTransactionIdLength], Gen.Byte.Array[0, 4],
        Gen.OneOf(Gen.Const(Array.Empty<byte>()), Gen.Byte.Array[6], Gen.Byte.Array[18]), Hash,
        (t, v, ip, id) => new Model { TransactionId = t, Version = v, RequesterIp = ip, Id = id });

    private static Gen<Model> Query(KrpcMethod method, Gen<Func<Model, Model>> arguments) =>
        Gen.Select(Common, Gen.Bool, arguments, (common, readOnly, fill) =>
            fill(common with { Type = KrpcMessageType.Query, Method = method, ReadOnly = readOnly }));

    private static readonly Gen<Model> Queries = Gen.OneOf(
        Query(KrpcMethod.Ping, Gen.Const<Func<Model, Model>>(m => m)),
        Query(KrpcMethod.FindNode, Gen.Select(Hash, Want, (target, want) => (Func<Model, Model>)(m => m with { Target = target, Want = want }))),
        Query(KrpcMethod.GetPeers, Gen.Select(Hash, Want, (hash, want) => (Func<Model, Model>)(m => m with { InfoHash = hash, Want = want }))),
        Query(KrpcMethod.AnnouncePeer, Gen.Select(Hash, Gen.Long[0, 65535], Gen.OneOf(Gen.Const((long?)null), Gen.Long[0, 1].Select(v => (long?)v)),
            Gen.Byte.Array[1, 20], (hash, port, implied, token) =>
                (Func<Model, Model>)(m => m with { InfoHash = hash, Port = port, ImpliedPort = implied, Token = token }))),
        Query(KrpcMethod.Get, Gen.Select(Hash, OptionalLong, Want, (target, seq, want) =>
            (Func<Model, Model>)(m => m with { Target = target, Sequence = seq, Want = want }))),
        Query(KrpcMethod.Put, Gen.Select(Gen.Byte.Array[1, 20], BencodedValue, Gen.Bool, Optional, OptionalLong, OptionalLong,
            Gen.Byte.Array[32], Gen.Byte.Array[64], (token, value, mutable, salt, seq, cas, key, sig) =>
                (Func<Model, Model>)(m => mutable
                    ? m with { Token = token, Value = value, Key = key, Signature = sig, Salt = salt, Sequence = seq ?? 0, Cas = cas }
                    : m with { Token = token, Value = value }))),
        Query(KrpcMethod.SampleInfohashes, Gen.Select(Hash, Want, (target, want) => (Func<Model, Model>)(m => m with { Target = target, Want = want }))),
        // A method this node does not know keeps its name.
        Query(KrpcMethod.Unknown, Gen.Char["abcdefghijklmnopqrstuvwxyz_"].Array[1, 12].Where(c => KrpcCodec.ParseMethod(System.Text.Encoding.ASCII.GetBytes(c)) == KrpcMethod.Unknown)
            .Select(name => (Func<Model, Model>)(m => m with { MethodName = System.Text.Encoding.ASCII.GetBytes(name) }))));

    /// <summary>Responses: nodes, nodes6, values and token (find_node, get_peers), BEP 44 items, BEP 51 samples, in any mix.</summary>
    private static readonly Gen<Model> Responses = Gen.Select(Common,
        Gen.Select(Nodes, Nodes6, Peer.Array[0, 20], Optional, (nodes, nodes6, peers, token) => (nodes, nodes6, peers, token)),
        Gen.OneOf(Gen.Const(false), Gen.Const(true)).SelectMany(item => item
            ? Gen.Select(BencodedValue, Gen.Byte.Array[32], Gen.Byte.Array[64], Gen.Long, (v, k, sig, seq) => (v, k, sig, (long?)seq))
            : Gen.Const((Array.Empty<byte>(), Array.Empty<byte>(), Array.Empty<byte>(), (long?)null))),
        Gen.OneOf(Gen.Const(false), Gen.Const(true)).SelectMany(samples => samples
            ? Gen.Select(Gen.Long[0, 21600], Gen.Long[0, 100_000], Gen.Int[0, 10].SelectMany(n => Gen.Byte.Array[20 * n]), (i, n, s) => ((long?)i, (long?)n, s))
            : Gen.Const(((long?)null, (long?)null, Array.Empty<byte>()))),
        (common, lookup, item, sampled) => common with
        {
            Type = KrpcMessageType.Response,
            Nodes = lookup.nodes, Nodes6 = lookup.nodes6, Peers = lookup.peers, Token = lookup.token,
            Value = item.Item1, Key = item.Item2, Signature = item.Item3, Sequence = item.Item4,
            Interval = sampled.Item1, Num = sampled.Item2, Samples = sampled.Item3,
        });

    private static readonly Gen<Model> Errors = Gen.Select(Gen.Byte.Array[1, KrpcCodec.MaxTransactionIdLength], Gen.Long, Gen.Byte.Array[0, 60],
        Gen.Byte.Array[0, 4], (t, code, text, v) => new Model { Type = KrpcMessageType.Error, TransactionId = t, ErrorCode = code, ErrorMessage = text, Version = v });

    private static readonly Gen<Model> AnyMessage = Gen.OneOf(Queries, Responses, Errors);

    [Fact]
    public void Every_message_kind_decodes_to_what_was_encoded_and_reencodes_to_the_same_bytes() =>
        AnyMessage.Sample(model =>
        {
            var bytes = Encode(model);
            Assert.True(KrpcCodec.TryDecode(bytes, out var decoded, out var error, MaxDatagram), error.ToString());
            AssertFields(model, decoded);
            var again = new ArrayBufferWriter<byte>();
            KrpcCodec.Encode(decoded, again);
            Assert.Equal(bytes, again.WrittenSpan.ToArray());
        }, iter: 3000, threads: 1);

    [Fact]
    public void Any_bytes_decode_or_are_refused_with_a_reason_and_never_throw() =>
        Gen.Byte.Array[0, 300].Sample(AssertDecodesOrRefuses, iter: 20_000, threads: 1);

    [Fact]
    public void Mutated_messages_decode_or_are_refused_with_a_reason_and_never_throw() =>
        Gen.Select(AnyMessage, Gen.Int[0, 10_000], Gen.Byte, Gen.Int[0, 3]).Sample((model, at, replacement, cut) =>
        {
            var bytes = Encode(model);
            bytes[at % bytes.Length] = replacement;
            AssertDecodesOrRefuses(bytes);
            AssertDecodesOrRefuses(bytes[..^cut]);
        }, iter: 10_000, threads: 1);

    /// <summary>Decodes: a refusal names its reason; an accepted message re-encodes to a datagram that is a fixpoint.</summary>
    private static void AssertDecodesOrRefuses(byte[] bytes)
    {
        if (!KrpcCodec.TryDecode(bytes, out var message, out var error, MaxDatagram))
        {
            Assert.NotEqual(KrpcDecodeError.None, error);
            return;
        }
        Assert.Equal(KrpcDecodeError.None, error);
        var first = new ArrayBufferWriter<byte>();
        KrpcCodec.Encode(message, first);
        Assert.True(KrpcCodec.TryDecode(first.WrittenSpan, out var again, out error, MaxDatagram), error.ToString());
        var second = new ArrayBufferWriter<byte>();
        KrpcCodec.Encode(again, second);
        Assert.Equal(first.WrittenSpan.ToArray(), second.WrittenSpan.ToArray());
    }

    private static byte[] Encode(Model m)
    {
        var values = new byte[m.Peers.Length * KrpcValues.EncodedEntryLength(18) + 2];
        int valuesLength = m.Peers.Length == 0 ? 0 : KrpcValues.Write(m.Peers, values);
        var message = new KrpcMessage
        {
            Type = m.Type, Method = m.Method, MethodName = m.MethodName, TransactionId = m.TransactionId, Version = m.Version,
            RequesterIp = m.RequesterIp, ReadOnly = m.ReadOnly, Id = m.Id, Target = m.Target, InfoHash = m.InfoHash, Token = m.Token,
            Port = m.Port, ImpliedPort = m.ImpliedPort, Nodes = m.Nodes, Nodes6 = m.Nodes6, Values = values.AsSpan(0, valuesLength),
            Want = m.Want, Value = m.Value, Key = m.Key, Signature = m.Signature, Salt = m.Salt, Sequence = m.Sequence, Cas = m.Cas,
            Interval = m.Interval, Num = m.Num, Samples = m.Samples, ErrorCode = m.ErrorCode, ErrorMessage = m.ErrorMessage,
        };
        var output = new ArrayBufferWriter<byte>();
        KrpcCodec.Encode(message, output);
        return output.WrittenSpan.ToArray();
    }

    private static void AssertFields(Model m, KrpcMessage d)
    {
        Assert.Equal(m.Type, d.Type);
        Assert.Equal(m.TransactionId, d.TransactionId.ToArray());
        Assert.Equal(m.Version, d.Version.ToArray());
        if (m.Type == KrpcMessageType.Error)
        {
            Assert.Equal(m.ErrorCode, d.ErrorCode);
            Assert.Equal(m.ErrorMessage, d.ErrorMessage.ToArray());
            return;
        }
        if (m.Type == KrpcMessageType.Query)
        {
            Assert.Equal(m.Method, d.Method);
            Assert.Equal(m.Method == KrpcMethod.Unknown ? m.MethodName : KrpcCodec.MethodName(m.Method).ToArray(), d.MethodName.ToArray());
            Assert.Equal(m.ReadOnly, d.ReadOnly);
        }
        Assert.Equal(m.RequesterIp, d.RequesterIp.ToArray());
        Assert.Equal(m.Id, d.Id.ToArray());
        Assert.Equal(m.Target, d.Target.ToArray());
        Assert.Equal(m.InfoHash, d.InfoHash.ToArray());
        Assert.Equal(m.Token, d.Token.ToArray());
        Assert.Equal((m.Port, m.ImpliedPort), (d.Port, d.ImpliedPort));
        Assert.Equal(m.Nodes, d.Nodes.ToArray());
        Assert.Equal(m.Nodes6, d.Nodes6.ToArray());
        var peers = new NodeEndPoint[m.Peers.Length + 1];
        Assert.Equal(m.Peers, peers[..KrpcValues.Read(d.Values, peers)]);
        Assert.Equal(m.Want, d.Want);
        Assert.Equal(m.Value, d.Value.ToArray());
        Assert.Equal(m.Key, d.Key.ToArray());
        Assert.Equal(m.Signature, d.Signature.ToArray());
        Assert.Equal(m.Salt, d.Salt.ToArray());
        Assert.Equal((m.Sequence, m.Cas, m.Interval, m.Num), (d.Sequence, d.Cas, d.Interval, d.Num));
        Assert.Equal(m.Samples, d.Samples.ToArray());
    }
}
