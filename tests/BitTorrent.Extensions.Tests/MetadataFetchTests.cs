using System.Text;

namespace BitTorrent.Extensions.Tests;

/// <summary>Memory bounds of ut_metadata and one metadata fetch shared by several wires of a torrent.</summary>
public class MetadataFetchTests
{
    private static byte[] Info(int size)
    {
        var name = new string('n', size - 20 - (size - 20).ToString().Length);
        var info = Encoding.ASCII.GetBytes($"d4:name{name.Length}:{name}6:lengthi1ee");
        Assert.Equal(size, info.Length);
        return info;
    }

    /// <summary>A wire whose peer advertised a metadata size and whose requests are queued for the test to answer.</summary>
    private sealed class Peer
    {
        public Peer(InfoHash hash, MetadataFetch? fetch, int size, UtMetadataOptions? options = null)
        {
            Wire = new FakeExtensionWire { InfoHash = hash };
            Wire.PeerExtensions.Add(ExtensionNames.UtMetadata);
            Wire.OnSend = (_, payload) => Requests.Enqueue(MetadataMessage.Decode(payload).Piece);
            Metadata = new UtMetadata(Wire, default, options, fetch);
            Metadata.MetadataReceived += (_, e) => Received.Add(e);
            Metadata.Warning += (_, e) => Warnings.Add(e.Message);
            Metadata.Fetch();
            Metadata.HandleExtendedHandshake(size);
        }

        public FakeExtensionWire Wire { get; }
        public UtMetadata Metadata { get; }
        public Queue<int> Requests { get; } = [];
        public List<MetadataEventArgs> Received { get; } = [];
        public List<string> Warnings { get; } = [];

        /// <summary>Answers the oldest request with the piece of <paramref name="info"/> it names.</summary>
        public int Answer(byte[] info)
        {
            int piece = Requests.Dequeue();
            int start = piece * MetadataMessage.PieceLength, length = Math.Min(MetadataMessage.PieceLength, info.Length - start);
            Metadata.OnMessage(MetadataMessage.DataPiece(piece, info.Length, info.AsSpan(start, length)).ToArray());
            return piece;
        }
    }

    [Fact]
    public void Twenty_peers_advertising_10_MB_make_us_hold_only_the_pieces_they_sent()
    {
        // Before, the first 16 KiB piece of each peer allocated the whole advertised 10 MB: 200 MB for twenty peers.
        var hash = InfoHash.FromInfoDictionary("d4:name1:xe"u8);
        var firstPiece = MetadataMessage.DataPiece(0, MetadataMessage.MaxMetadataSize, new byte[MetadataMessage.PieceLength]).ToArray();
        var peers = Enumerable.Range(0, 20).Select(_ => new Peer(hash, fetch: null, MetadataMessage.MaxMetadataSize)).ToArray();
        Assert.All(peers, p => Assert.Equal(0, p.Requests.Dequeue()));

        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var peer in peers) peer.Metadata.OnMessage(firstPiece);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.InRange(allocated, 20 * 16384, 20 * (16384 + 4096)); // a piece each (and its request message), nothing more
        Assert.All(peers, p => Assert.True(p.Metadata.IsFetching));
    }

    [Fact]
    public void A_shared_fetch_holds_one_assembly_for_twenty_peers()
    {
        var hash = InfoHash.FromInfoDictionary("d4:name1:xe"u8);
        var fetch = new MetadataFetch(hash);
        var junk = new byte[MetadataMessage.MaxMetadataSize];
        var peers = Enumerable.Range(0, 20).Select(_ => new Peer(hash, fetch, MetadataMessage.MaxMetadataSize)).ToArray();
        // The peers split the pieces: twenty windows of 16 ask for 320 different pieces.
        Assert.Equal(320, peers.SelectMany(p => p.Requests).Distinct().Count());

        foreach (var peer in peers) peer.Answer(junk);
        Assert.Equal(MetadataMessage.MaxMetadataSize, fetch.Size);
        Assert.Equal(20, fetch.ReceivedPieceCount);
        Assert.Equal(20 * 16384, fetch.BufferedBytes);
    }

    [Fact]
    public void A_shared_fetch_completes_from_pieces_received_over_two_wires()
    {
        var info = Info(5 * MetadataMessage.PieceLength + 100);
        var hash = InfoHash.FromInfoDictionary(info);
        var fetch = new MetadataFetch(hash);
        var completed = new List<MetadataEventArgs>();
        fetch.MetadataReceived += (_, e) => completed.Add(e);
        var options = new UtMetadataOptions { MaxOutstandingRequests = 2 };
        var first = new Peer(hash, fetch, info.Length, options);
        var second = new Peer(hash, fetch, info.Length, options);
        Assert.Equal([0, 1], first.Requests);
        Assert.Equal([2, 3], second.Requests); // not the pieces already asked of the first wire

        var answered = new List<(int Wire, int Piece)>();
        while (fetch.IsComplete == false)
        {
            if (first.Requests.Count > 0) answered.Add((1, first.Answer(info)));
            if (second.Requests.Count > 0 && !fetch.IsComplete) answered.Add((2, second.Answer(info)));
        }

        Assert.Equal(6, answered.Select(a => a.Piece).Distinct().Count());
        Assert.Contains(answered, a => a.Wire == 1);
        Assert.Contains(answered, a => a.Wire == 2);
        var e = Assert.Single(completed);
        Assert.Equal(info, e.Info.ToArray());
        Assert.Equal(info, fetch.Metadata!.Value.ToArray());
        Assert.Equal(0, fetch.BufferedBytes);
        // The wire that delivered the last piece reports it; both now know and serve the metadata.
        Assert.Single(first.Received.Concat(second.Received));
        Assert.True(first.Metadata.IsComplete);
        Assert.True(second.Metadata.IsComplete);
        second.Metadata.OnMessage(MetadataMessage.Request(5).ToArray());
        Assert.Equal(MetadataMessageType.Data, MetadataMessage.Decode(second.Wire.Sent[^1].Payload).Type);
        Assert.Empty(first.Warnings.Concat(second.Warnings));
    }

    [Fact]
    public void A_wire_that_stops_hands_its_pieces_to_the_others()
    {
        var info = Info(4 * MetadataMessage.PieceLength);
        var hash = InfoHash.FromInfoDictionary(info);
        var fetch = new MetadataFetch(hash);
        var options = new UtMetadataOptions { MaxOutstandingRequests = 2 };
        var first = new Peer(hash, fetch, info.Length, options);
        var second = new Peer(hash, fetch, info.Length, options);
        Assert.Equal([2, 3], second.Requests);

        second.Wire.Close(); // its pieces 2 and 3 are no longer claimed
        while (first.Requests.Count > 0) first.Answer(info);

        Assert.True(fetch.IsComplete);
        Assert.Single(first.Received);
    }

    [Fact]
    public void A_peer_advertising_another_size_does_not_join_and_is_told_why()
    {
        var info = Info(3 * MetadataMessage.PieceLength);
        var hash = InfoHash.FromInfoDictionary(info);
        var fetch = new MetadataFetch(hash);
        var honest = new Peer(hash, fetch, info.Length);
        var other = new Peer(hash, fetch, MetadataMessage.MaxMetadataSize);
        Assert.Empty(other.Requests);
        Assert.Contains("differs", Assert.Single(other.Warnings));
        Assert.False(other.Metadata.IsFetching);
        while (honest.Requests.Count > 0) honest.Answer(info);
        Assert.True(fetch.IsComplete);
    }

    [Fact]
    public void A_fetch_failing_the_hash_check_starts_over_with_the_next_size_asked()
    {
        var info = Info(2 * MetadataMessage.PieceLength);
        var hash = InfoHash.FromInfoDictionary(info);
        var fetch = new MetadataFetch(hash);
        var liar = new Peer(hash, fetch, info.Length + 1, new UtMetadataOptions { MaxRetries = 0 });
        var honest = new Peer(hash, fetch, info.Length);
        Assert.Contains("differs", Assert.Single(honest.Warnings));

        var wrong = new byte[info.Length + 1];
        while (liar.Requests.Count > 0) liar.Answer(wrong);
        Assert.Equal("Peer sent invalid metadata", Assert.Single(liar.Warnings));
        Assert.Null(fetch.Size); // the failed assembly was dropped

        honest.Metadata.Fetch();
        while (honest.Requests.Count > 0) honest.Answer(info);
        Assert.Equal(info, fetch.Metadata!.Value.ToArray());
    }

    [Fact]
    public void The_fetch_and_the_wire_must_name_the_same_torrent()
    {
        var wire = new FakeExtensionWire { InfoHash = InfoHash.FromInfoDictionary("d1:ai1ee"u8) };
        Assert.Throws<ArgumentException>(() => new UtMetadata(wire, default, null, new MetadataFetch(InfoHash.FromInfoDictionary("d1:bi1ee"u8))));
    }
}
