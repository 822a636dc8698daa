using BenchmarkDotNet.Attributes;
using BitTorrent.Bencode;
using BitTorrent.Trackers;

namespace BitTorrent.Benchmarks.Trackers;

/// <summary>Parsing an HTTP announce response with 200 peers: compact (BEP 23) and the dictionary model (BEP 3).</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class AnnounceParseBenchmarks
{
    private static readonly Uri Tracker = new("http://tracker.test/announce");
    private readonly TrackerOptions _options = new();
    private byte[] _compact = [];
    private byte[] _dictionary = [];

    /// <summary>Builds both bodies (the same 200 peers; the dictionary model also carries peer ids).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(12);
        var compact = new byte[200 * 6];
        var peers = new BList();
        for (int i = 0; i < 200; i++)
        {
            byte[] address = [10, (byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(1, 255)];
            int port = random.Next(1024, 65536);
            address.CopyTo(compact, i * 6);
            compact[i * 6 + 4] = (byte)(port >> 8);
            compact[i * 6 + 5] = (byte)port;
            var id = new byte[20];
            random.NextBytes(id);
            peers.Add(new BDictionary { { "ip", $"{address[0]}.{address[1]}.{address[2]}.{address[3]}" }, { "peer id", id }, { "port", port } });
        }
        _compact = new BDictionary { { "complete", 150 }, { "incomplete", 60 }, { "interval", 1800 }, { "min interval", 900 }, { "peers", compact } }.Encode();
        _dictionary = new BDictionary { { "complete", 150 }, { "incomplete", 60 }, { "interval", 1800 }, { "min interval", 900 }, { "peers", peers } }.Encode();
    }

    /// <summary>Compact: 1,200 bytes of peers.</summary>
    [Benchmark(Baseline = true)]
    public int Compact200() => HttpTrackerResponse.ParseAnnounce(_compact, _options, Tracker).Peers.Count;

    /// <summary>Dictionary model: 200 dictionaries with ip, peer id and port.</summary>
    [Benchmark]
    public int Dictionary200() => HttpTrackerResponse.ParseAnnounce(_dictionary, _options, Tracker).Peers.Count;
}
