using System.Net;
using BitTorrent.Bencode;

namespace BitTorrent.Dht.Tests.Support;

/// <summary>A hand-driven KRPC endpoint on a <see cref="TestNetwork"/>: sends raw queries, keeps what it receives.</summary>
internal sealed class RawClient
{
    private readonly TestNetwork _network;
    private readonly TestTransport _transport;
    private int _tid;

    public RawClient(TestNetwork network, IPEndPoint endPoint, NodeId? id = null)
    {
        _network = network;
        _transport = network.CreateTransport(endPoint);
        _transport.Start((data, from) => Received.Add((data.ToArray(), from)));
        Id = id ?? NodeId.CreateRandom(new Random(endPoint.GetHashCode()));
    }

    public NodeId Id { get; }

    public IPEndPoint EndPoint => _transport.LocalEndPoint;

    public List<(byte[] Data, IPEndPoint From)> Received { get; } = [];

    /// <summary>Sends a query with arguments <paramref name="args"/> (id added) and returns the decoded reply, or null.</summary>
    public BDictionary? Query(IPEndPoint node, string method, BDictionary? args = null, bool readOnly = false)
    {
        args ??= new BDictionary();
        if (!args.ContainsKey("id")) args.Add("id", Id.ToArray());
        var tid = new byte[] { (byte)(_tid >> 8), (byte)_tid };
        _tid++;
        var query = new BDictionary { { "a", args }, { "q", method }, { "t", tid }, { "y", "q" } };
        if (readOnly) query.Add("ro", 1);
        return Send(node, query.Encode(), tid);
    }

    /// <summary>Sends raw bytes and returns the reply whose transaction id is <paramref name="tid"/>, or null.</summary>
    public BDictionary? Send(IPEndPoint node, byte[] datagram, byte[]? tid = null)
    {
        int before = Received.Count;
        _network.Inject(datagram, EndPoint, node);
        _network.Deliver();
        for (int i = before; i < Received.Count; i++)
        {
            var reply = Bencode.Bencode.DecodeDictionary(Received[i].Data);
            if (tid is null || reply.GetBytes("t")?.Span.SequenceEqual(tid) == true)
            {
                return reply;
            }
        }
        return null;
    }
}
