using System.Security.Cryptography;
using System.Text;

namespace BitTorrent.Extensions.Tests;

public class UtMetadataTests
{
    /// <summary>A bencoded info dictionary of about <paramref name="size"/> bytes whose keys are deliberately out of order.</summary>
    private static byte[] NonCanonicalInfo(int size)
    {
        var name = new string('n', Math.Max(1, size - 60));
        return Encoding.ASCII.GetBytes($"d4:name{name.Length}:{name}6:lengthi12345e12:piece lengthi16384e6:pieces0:e");
    }

    /// <summary>A fetcher on wire A and a peer on wire B whose messages are delivered synchronously.</summary>
    private sealed class Pair
    {
        public Pair(byte[] info, UtMetadataOptions? options = null)
        {
            Info = info;
            var hash = InfoHash.FromInfoDictionary(info);
            WireA = new FakeExtensionWire { InfoHash = hash };
            WireB = new FakeExtensionWire(WireA.Time) { InfoHash = hash };
            WireA.PeerExtensions.Add(ExtensionNames.UtMetadata);
            WireB.PeerExtensions.Add(ExtensionNames.UtMetadata);
            Fetcher = new UtMetadata(WireA, default, options);
            Fetcher.MetadataReceived += (_, e) => Metadata.Add(e);
            Fetcher.Warning += (_, e) => Warnings.Add(e.Message);
            WireA.OnSend = (_, payload) =>
            {
                var message = MetadataMessage.Decode(payload);
                Requests.Add(message.Piece);
                if (Respond?.Invoke(message.Piece) is { } answer) Fetcher.OnMessage(answer);
            };
        }

        public byte[] Info { get; }
        public FakeExtensionWire WireA { get; }
        public FakeExtensionWire WireB { get; }
        public UtMetadata Fetcher { get; }
        public List<MetadataEventArgs> Metadata { get; } = [];
        public List<string> Warnings { get; } = [];
        public List<int> Requests { get; } = [];
        public Func<int, byte[]?>? Respond { get; set; }

        /// <summary>Serves with a real UtMetadata on wire B.</summary>
        public UtMetadata Serve()
        {
            var server = new UtMetadata(WireB, Info, null);
            WireB.OnSend = (_, payload) => Fetcher.OnMessage(payload);
            Respond = piece => { server.OnMessage(MetadataMessage.Request(piece).ToArray()); return null; };
            return server;
        }

        public void PeerHandshake(long? size)
        {
            Fetcher.HandleExtendedHandshake(size);
            WireA.RaiseExtendedHandshake();
        }
    }

    [Theory]
    [InlineData(100)]
    [InlineData(16384)]
    [InlineData(40000)]
    [InlineData(300_000)]
    public void Fetches_the_exact_info_bytes_from_a_peer_that_serves_them(int size)
    {
        var pair = new Pair(NonCanonicalInfo(size));
        var server = pair.Serve();
        Assert.Equal(pair.Info.Length, pair.WireB.HandshakeValues["metadata_size"]);
        pair.Fetcher.Fetch();
        Assert.True(pair.Fetcher.IsFetching);
        pair.PeerHandshake(pair.Info.Length);

        var metadata = Assert.Single(pair.Metadata);
        Assert.Equal(pair.Info, metadata.Info.ToArray());
        Assert.Equal(pair.WireA.InfoHash, metadata.InfoHash);
        Assert.Equal(pair.WireA.InfoHash, InfoHash.FromInfoDictionary(metadata.Info.Span));
        Assert.Equal(pair.Info, pair.Fetcher.Metadata!.Value.ToArray());
        Assert.True(pair.Fetcher.IsComplete);
        Assert.False(pair.Fetcher.IsFetching);
        Assert.Equal(pair.Info.Length, pair.Fetcher.PeerMetadataSize);
        Assert.Equal(pair.Info.Length, pair.WireA.HandshakeValues["metadata_size"]);
        Assert.Equal(Enumerable.Range(0, MetadataAssembler.GetPieceCount(pair.Info.Length)), pair.Requests.Distinct().Order());
        Assert.Empty(pair.Warnings);
        Assert.True(server.IsComplete);
    }

    [Fact]
    public void A_fetch_started_after_the_handshake_also_completes_and_a_second_fetch_does_nothing()
    {
        var pair = new Pair(NonCanonicalInfo(20000));
        pair.Serve();
        pair.PeerHandshake(pair.Info.Length);
        Assert.Empty(pair.Requests);
        pair.Fetcher.Fetch();
        Assert.Single(pair.Metadata);
        int requests = pair.Requests.Count;
        pair.Fetcher.Fetch();
        Assert.Equal(requests, pair.Requests.Count);
    }

    [Fact]
    public void Keeps_at_most_the_configured_number_of_requests_in_flight()
    {
        var pair = new Pair(NonCanonicalInfo(40 * 16384), new UtMetadataOptions { MaxOutstandingRequests = 4 });
        pair.Fetcher.Fetch();
        pair.PeerHandshake(pair.Info.Length);
        Assert.Equal([0, 1, 2, 3], pair.Requests);
    }

    [Fact]
    public void The_server_rejects_requests_out_of_range_and_before_it_has_the_metadata()
    {
        var info = NonCanonicalInfo(100);
        var wire = new FakeExtensionWire { InfoHash = InfoHash.FromInfoDictionary(info) };
        wire.PeerExtensions.Add(ExtensionNames.UtMetadata);
        var server = new UtMetadata(wire, default, null);
        Assert.False(wire.HandshakeValues.ContainsKey("metadata_size"));

        server.OnMessage(MetadataMessage.Request(0).ToArray());
        Assert.Equal("d8:msg_typei2e5:piecei0ee", Encoding.ASCII.GetString(wire.Sent[^1].Payload));

        Assert.True(server.SetMetadata(info));
        Assert.Equal(info.Length, wire.HandshakeValues["metadata_size"]);
        server.OnMessage(MetadataMessage.Request(1).ToArray());
        Assert.Equal("d8:msg_typei2e5:piecei1ee", Encoding.ASCII.GetString(wire.Sent[^1].Payload));
        server.OnMessage(MetadataMessage.Request(0).ToArray());
        var data = MetadataMessage.Decode(wire.Sent[^1].Payload);
        Assert.Equal(MetadataMessageType.Data, data.Type);
        Assert.Equal(info.Length, data.TotalSize);
        Assert.Equal(info, data.Data.ToArray());
    }

    [Fact]
    public void Rejects_requests_past_the_flood_limit()
    {
        var info = NonCanonicalInfo(20000);
        var wire = new FakeExtensionWire();
        wire.PeerExtensions.Add(ExtensionNames.UtMetadata);
        var server = new UtMetadata(wire, info, new UtMetadataOptions { MaxServesPerPiece = 2 });
        for (int i = 0; i < 5; i++) server.OnMessage(MetadataMessage.Request(i % 2).ToArray());
        var types = wire.Sent.Select(m => MetadataMessage.Decode(m.Payload).Type).ToArray();
        Assert.Equal([MetadataMessageType.Data, MetadataMessageType.Data, MetadataMessageType.Data, MetadataMessageType.Data, MetadataMessageType.Reject], types);
    }

    [Fact]
    public void Serves_the_last_piece_short()
    {
        var info = NonCanonicalInfo(20000);
        var wire = new FakeExtensionWire();
        wire.PeerExtensions.Add(ExtensionNames.UtMetadata);
        var server = new UtMetadata(wire, info, null);
        server.OnMessage(MetadataMessage.Request(1).ToArray());
        var data = MetadataMessage.Decode(wire.Sent[^1].Payload);
        Assert.Equal(info.AsSpan(16384).ToArray(), data.Data.ToArray());
    }

    [Fact]
    public void Warns_when_the_peer_has_no_metadata_and_again_when_the_fetch_times_out()
    {
        var pair = new Pair(NonCanonicalInfo(100));
        pair.Fetcher.Fetch();
        pair.PeerHandshake(null);
        Assert.Equal(["Peer does not have metadata"], pair.Warnings);

        pair.WireA.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Contains("no metadata for 30 s", pair.Warnings[^1]);
        Assert.False(pair.Fetcher.IsFetching);
    }

    [Fact]
    public void Warns_when_the_peer_does_not_support_ut_metadata()
    {
        var pair = new Pair(NonCanonicalInfo(100));
        pair.WireA.PeerExtensions.Clear();
        pair.WireA.RaiseExtendedHandshake();
        Assert.Equal(["Peer does not support ut_metadata"], pair.Warnings);
    }

    [Theory]
    [InlineData(-5)]
    [InlineData(10_000_001)]
    public void Warns_about_an_invalid_metadata_size(long size)
    {
        var pair = new Pair(NonCanonicalInfo(100));
        pair.Fetcher.Fetch();
        pair.PeerHandshake(size);
        Assert.Equal(["Peer gave invalid metadata size"], pair.Warnings);
        Assert.Null(pair.Fetcher.PeerMetadataSize);
        Assert.Empty(pair.Requests);
    }

    [Fact]
    public void A_silent_peer_produces_a_timeout_warning()
    {
        var pair = new Pair(NonCanonicalInfo(100), new UtMetadataOptions { Timeout = TimeSpan.FromSeconds(10) });
        pair.Fetcher.Fetch();
        pair.PeerHandshake(pair.Info.Length);
        Assert.Equal([0], pair.Requests);
        pair.WireA.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.Empty(pair.Warnings);
        pair.WireA.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Contains("no metadata", Assert.Single(pair.Warnings));
        Assert.False(pair.Fetcher.IsFetching);
        pair.WireA.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Single(pair.Warnings);
    }

    [Fact]
    public void Rejects_are_retried_a_bounded_number_of_times()
    {
        var pair = new Pair(NonCanonicalInfo(100)) { Respond = p => MetadataMessage.Reject(p).ToArray() };
        pair.Fetcher.Fetch();
        pair.PeerHandshake(pair.Info.Length);
        Assert.Equal(["Peer sent \"reject\" too much"], pair.Warnings);
        Assert.Equal([0, 0, 0], pair.Requests); // 1 piece: the request, then 2 retries
        Assert.Empty(pair.Metadata);
        Assert.False(pair.Fetcher.IsFetching);
    }

    [Fact]
    public void Metadata_failing_the_hash_check_is_refetched_once_then_warned_about()
    {
        var info = NonCanonicalInfo(100);
        var wrong = (byte[])info.Clone();
        wrong[10] ^= 1;
        var pair = new Pair(info) { Respond = p => MetadataMessage.DataPiece(p, wrong.Length, wrong).ToArray() };
        pair.Fetcher.Fetch();
        pair.PeerHandshake(info.Length);
        Assert.Equal(["Peer sent invalid metadata"], pair.Warnings);
        Assert.Equal([0, 0], pair.Requests);
        Assert.Empty(pair.Metadata);
    }

    [Theory]
    [InlineData(5, 0, 0, "unrequested")]               // a piece index the fetcher never asked for
    [InlineData(0, 0, -1, "requesting it again")]      // a short piece
    [InlineData(0, 1, 0, "total_size")]                // total_size differs from metadata_size
    public void Invalid_data_is_never_stored(int piece, int totalSizeDelta, int lengthDelta, string warning)
    {
        var info = NonCanonicalInfo(100);
        int totalSize = info.Length + totalSizeDelta, length = info.Length + lengthDelta;
        int calls = 0;
        var pair = new Pair(info)
        {
            // The first answer is bad; later requests get no answer.
            Respond = _ => ++calls == 1 ? MetadataMessage.DataPiece(piece, totalSize, info.AsSpan(0, length)).ToArray() : null,
        };
        pair.Fetcher.Fetch();
        pair.PeerHandshake(info.Length);
        Assert.Contains(warning, Assert.Single(pair.Warnings));
        Assert.Empty(pair.Metadata);
        Assert.True(pair.Fetcher.IsFetching);
    }

    [Fact]
    public void Malformed_and_unknown_messages_are_ignored()
    {
        var pair = new Pair(NonCanonicalInfo(100));
        pair.Fetcher.OnMessage("d8:msg_typei1e5:piecei9999ee"u8);
        pair.Fetcher.OnMessage("xx"u8);
        pair.Fetcher.OnMessage("d8:msg_typei7ee"u8);
        Assert.Equal(2, pair.Warnings.Count);
        Assert.Empty(pair.WireA.Sent);
    }

    [Fact]
    public void Data_after_cancel_is_ignored()
    {
        var pair = new Pair(NonCanonicalInfo(100));
        pair.Fetcher.Fetch();
        pair.PeerHandshake(pair.Info.Length);
        pair.Fetcher.Cancel();
        pair.Fetcher.OnMessage(MetadataMessage.DataPiece(0, pair.Info.Length, pair.Info).ToArray());
        Assert.Empty(pair.Metadata);
        Assert.False(pair.Fetcher.IsComplete);
        pair.WireA.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(pair.Warnings);
    }

    [Fact]
    public void Dispose_stops_the_fetch_for_good()
    {
        var pair = new Pair(NonCanonicalInfo(100));
        pair.Fetcher.Fetch();
        pair.PeerHandshake(pair.Info.Length);
        pair.Fetcher.Dispose();
        Assert.False(pair.Fetcher.IsFetching);
        pair.Fetcher.OnMessage(MetadataMessage.DataPiece(0, pair.Info.Length, pair.Info).ToArray());
        Assert.Empty(pair.Metadata);
        Assert.Throws<ObjectDisposedException>(() => pair.Fetcher.Fetch());
        pair.WireA.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(pair.Warnings);
    }

    [Fact]
    public void Closing_the_wire_cancels_the_fetch()
    {
        var pair = new Pair(NonCanonicalInfo(100));
        pair.Fetcher.Fetch();
        pair.WireA.Close();
        Assert.False(pair.Fetcher.IsFetching);
    }

    [Fact]
    public void SetMetadata_accepts_a_whole_torrent_and_refuses_a_wrong_hash_or_non_bencode()
    {
        var info = NonCanonicalInfo(100);
        var pair = new Pair(info);
        Assert.False(pair.Fetcher.SetMetadata(NonCanonicalInfo(200)));
        var torrent = Encoding.ASCII.GetBytes("d8:announce3:x:y4:info").Concat(info).Concat("e"u8.ToArray()).ToArray();
        Assert.True(pair.Fetcher.SetMetadata(torrent));
        Assert.Equal(info, Assert.Single(pair.Metadata).Info.ToArray());
        Assert.Equal(info, pair.Fetcher.Metadata!.Value.ToArray());
        Assert.True(pair.Fetcher.SetMetadata(info)); // already known
        Assert.Single(pair.Metadata);
        Assert.Throws<ArgumentException>(() => new UtMetadata(new FakeExtensionWire(), "not bencode"u8.ToArray(), null));
        Assert.Throws<ArgumentException>(() => new UtMetadata(new FakeExtensionWire { InfoHash = InfoHash.FromInfoDictionary(info) }, NonCanonicalInfo(300), null));
    }

    [Fact]
    public void WrapAsTorrent_keeps_the_info_bytes()
    {
        var info = NonCanonicalInfo(100);
        var torrent = UtMetadata.WrapAsTorrent(info);
        Assert.Equal("d4:info", Encoding.ASCII.GetString(torrent, 0, 7));
        Assert.Equal(SHA1.HashData(info), SHA1.HashData(torrent.AsSpan(7, info.Length)));
        Assert.Equal((byte)'e', torrent[^1]);
        Assert.Equal(torrent, new MetadataEventArgs(InfoHash.FromInfoDictionary(info), info).ToTorrent());
    }
}
