using System.Buffers;
using System.Net;
using System.Text.Json;
using BitTorrent.Dht;
using BitTorrent.Dht.Krpc;

namespace BitTorrent.Fuzz;

/// <summary>Fuzz targets for KRPC, a whole DHT node and DHT state loading.</summary>
public static class DhtTargets
{
    /// <summary>
    /// <see cref="KrpcCodec.TryDecode"/>. Oracle: it never throws; an accepted message encodes to a datagram that decodes
    /// again and encodes to the same bytes (the encoding is a fixpoint).
    /// </summary>
    public static void Krpc(byte[] input)
    {
        var budget = AllocationBudget.ForThread(input.Length, 64 * 1024, 32);
        if (!KrpcCodec.TryDecode(input, out var message, out _)) 
        {
            budget.Check("krpc");
            return;
        }
        var first = new ArrayBufferWriter<byte>();
        KrpcCodec.Encode(message, first);
        Oracle.Check(KrpcCodec.TryDecode(first.WrittenSpan, out var again, out var error, int.MaxValue), $"a re-encoded message does not decode: {error}");
        var second = new ArrayBufferWriter<byte>();
        KrpcCodec.Encode(again, second);
        Oracle.SameBytes(first.WrittenSpan, second.WrittenSpan, "KRPC encoding fixpoint");
        budget.Check("krpc");
    }

    /// <summary>
    /// A listening <see cref="DhtNode"/> fed datagrams: records of a source byte (which of 256 senders), a two-byte
    /// length and the datagram. Oracle: the node never throws out of its receive handler, and every datagram it sends is
    /// well-formed KRPC and never a 202 server error, and no datagram ends in an internal error (an exception the node
    /// caught); allocation stays within a bound of the input.
    /// </summary>
    public static void Node(byte[] input)
    {
        var budget = AllocationBudget.ForProcess(input.Length, 4 * 1024 * 1024, 2048);
        var transport = new RecordingTransport();
        var log = new InternalErrorLogger();
        using (var node = new DhtNode(new DhtNodeOptions { Transport = transport, BootstrapNodes = [], LoggerFactory = log }))
        {
            node.Listen();
            for (int offset = 0; offset + 3 <= input.Length;)
            {
                int source = input[offset];
                int length = Math.Min(input[offset + 1] << 8 | input[offset + 2], input.Length - offset - 3);
                transport.Deliver(input.AsSpan(offset + 3, length), new IPEndPoint(new IPAddress([10, 0, (byte)(source >> 4), (byte)(source & 15)]), 6881 + source));
                offset += 3 + length;
                Oracle.Check(log.FirstError is null, $"the node failed on a datagram: {log.FirstError}");
            }
        }
        budget.Check("dht_node");
    }

    /// <summary>
    /// <see cref="DhtState.FromJson"/> of the input as UTF-8 text, then a node restoring it. Oracle: only
    /// <see cref="JsonException"/>; an accepted state serializes to JSON that reads back to the same JSON, and a node
    /// listening with it does not throw.
    /// </summary>
    public static void State(byte[] input)
    {
        var budget = AllocationBudget.ForProcess(input.Length, 4 * 1024 * 1024, 512);
        DhtState state;
        try
        {
            state = DhtState.FromJson(System.Text.Encoding.UTF8.GetString(input));
        }
        catch (JsonException)
        {
            return;
        }
        var json = state.ToJson();
        Oracle.Check(DhtState.FromJson(json).ToJson() == json, "DHT state JSON is not a fixpoint");
        var log = new InternalErrorLogger();
        using (var node = new DhtNode(new DhtNodeOptions { Transport = new RecordingTransport(), BootstrapNodes = [], State = state, LoggerFactory = log }))
            node.Listen();
        Oracle.Check(log.FirstError is null, $"the node failed restoring the state: {log.FirstError}");
        budget.Check("dht_state");
    }

    /// <summary>An in-memory transport: datagrams are delivered by the target, sent ones are checked and dropped.</summary>
    private sealed class RecordingTransport : IDhtTransport
    {
        private DatagramHandler? _handler;

        public IPEndPoint LocalEndPoint { get; } = new(IPAddress.Parse("10.255.0.1"), 6881);

        public void Deliver(ReadOnlySpan<byte> datagram, IPEndPoint source) => _handler?.Invoke(datagram, source);

        public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination)
        {
            Oracle.Check(KrpcCodec.TryDecode(datagram, out var message, out var error, int.MaxValue), $"the node sent a malformed datagram ({error})");
            Oracle.Check(message.Type != KrpcMessageType.Error || message.ErrorCode != KrpcErrorCode.Server, "the node answered a query with a server error");
        }

        public void Start(DatagramHandler handler) => _handler = handler;

        public void Dispose() => _handler = null;
    }
}
