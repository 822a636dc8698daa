using System.Net;
using BenchmarkDotNet.Attributes;
using BitTorrent.Dht;
using BitTorrent.Dht.RoutingTable;

namespace BitTorrent.Benchmarks.Dht;

/// <summary>Routing-table insertion of 10,000 nodes and closest-K queries on the resulting table.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class RoutingTableBenchmarks
{
    private const int NodeCount = 10_000;
    private readonly NodeId[] _ids = new NodeId[NodeCount];
    private readonly NodeEndPoint[] _endPoints = new NodeEndPoint[NodeCount];
    private readonly NodeId[] _targets = new NodeId[256];
    private readonly DhtContact?[] _closest = new DhtContact?[20];
    private DhtRoutingTable _table = null!;
    private DhtRoutingTable _everyone = null!;
    private int _next;

    /// <summary>Random ids and distinct /24 addresses, and a table filled with them.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        for (int i = 0; i < NodeCount; i++)
        {
            _ids[i] = NodeId.CreateRandom(random);
            _endPoints[i] = NodeEndPoint.From(new IPEndPoint(new IPAddress([(byte)(11 + i / 65536), (byte)(i / 256), (byte)i, 1]), 6881));
        }
        for (int i = 0; i < _targets.Length; i++) _targets[i] = NodeId.CreateRandom(random);
        _table = Fill(k: 20);
        _everyone = Fill(k: NodeCount);
    }

    /// <summary>Contacts in the K = 20 table after 10,000 inserts (the rest wait as replacements or were refused).</summary>
    public int TableSize => _table.Count;

    private DhtRoutingTable Fill(int k)
    {
        var table = new DhtRoutingTable(_ids[0], k, restrictSubnets: true, nowTicks: 1);
        for (int i = 1; i < NodeCount; i++) table.TryAdd(_ids[i], _endPoints[i], 1, responded: true, isVerified: true, out _);
        return table;
    }

    /// <summary>Inserts 10,000 nodes into an empty K = 20 table (one operation = all 10,000 inserts).</summary>
    [Benchmark(OperationsPerInvoke = NodeCount)]
    public int Insert10000() => Fill(k: 20).Count;

    /// <summary>Inserts 10,000 nodes into a K = 10,000 table, so every node is kept (worst case for splitting).</summary>
    [Benchmark(OperationsPerInvoke = NodeCount)]
    public int Insert10000AllKept() => Fill(k: NodeCount).Count;

    /// <summary>The 20 closest contacts to a random target, exact on 160 bits.</summary>
    [Benchmark]
    public int ClosestK()
    {
        var target = _targets[_next++ & 255];
        return _table.FindClosest(target, _closest);
    }

    /// <summary>The 20 closest to a random target among all 10,000 contacts (a table that kept every node).</summary>
    [Benchmark]
    public int ClosestKOf10000()
    {
        var target = _targets[_next++ & 255];
        return _everyone.FindClosest(target, _closest);
    }
}
