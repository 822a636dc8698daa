using System.Net;
using BitTorrent.Wire;

namespace BitTorrent.Extensions.Tests;

/// <summary>The extensions on two real wires joined by in-memory pipes.</summary>
public class WireIntegrationTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>A keep-alive from <paramref name="from"/> read by <paramref name="to"/>: every earlier message has been handled.</summary>
    private static async Task BarrierAsync(Wire.Wire from, Wire.Wire to)
    {
        var got = WirePair.NextPlain(h => to.KeepAliveReceived += h);
        from.KeepAlive();
        await got.WaitAsync(Wait);
    }

    [Fact]
    public async Task Pex_peers_travel_between_two_wires_every_65_seconds()
    {
        await using var pair = WirePair.Create();
        var sender = pair.A.Use(w => new UtPex(w));
        var receiver = pair.B.Use(w => new UtPex(w));
        Assert.Same(sender, pair.A.GetExtension<UtPex>());
        var added = new List<PexPeerEventArgs>();
        receiver.PeerAdded += (_, e) => added.Add(e);
        await pair.ConnectAsync();
        Assert.True(sender.PeerSupported);

        sender.AddPeer(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 6881), PexFlags.Seed);
        sender.AddPeer6(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 6882), PexFlags.SupportsUtp);
        sender.Start();
        pair.Time.Advance(TimeSpan.FromSeconds(64));
        await BarrierAsync(pair.A, pair.B);
        Assert.Empty(added);
        pair.Time.Advance(TimeSpan.FromSeconds(1));
        await BarrierAsync(pair.A, pair.B);
        Assert.Equal(
            [(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 6881), PexFlags.Seed), (new IPEndPoint(IPAddress.Parse("2001:db8::1"), 6882), PexFlags.SupportsUtp)],
            added.Select(e => (e.EndPoint, e.Flags)));
    }

    [Fact]
    public async Task Pex_skips_our_listen_port_on_the_address_the_peer_says_it_sees()
    {
        await using var pair = WirePair.Create();
        pair.A.Use(w => new UtPex(w));
        var receiver = pair.B.Use(w => new UtPex(w));
        pair.A.ExtendedHandshake["yourip"] = IPAddress.Parse("203.0.113.5").GetAddressBytes();
        pair.B.ExtendedHandshake["p"] = 6881;
        var added = new List<IPEndPoint>();
        receiver.PeerAdded += (_, e) => added.Add(e.EndPoint);
        await pair.ConnectAsync();

        pair.A.Extended(ExtensionNames.UtPex, new PexMessage(
            [new PexPeer(new IPEndPoint(IPAddress.Parse("203.0.113.5"), 6881), PexFlags.None), new PexPeer(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 1), PexFlags.None)],
            []).ToArray());
        await BarrierAsync(pair.A, pair.B);
        Assert.Equal([new IPEndPoint(IPAddress.Parse("10.0.0.1"), 1)], added);
    }

    [Fact]
    public async Task A_pex_flood_closes_the_wire_with_an_extension_violation()
    {
        await using var pair = WirePair.Create();
        pair.A.Use(w => new UtPex(w));
        var receiver = pair.B.Use(w => new UtPex(w));
        var warning = WirePair.Next<ExtensionWarningEventArgs>(h => receiver.Warning += h);
        var closed = WirePair.Next<WireClosedEventArgs>(h => pair.B.Closed += h);
        await pair.ConnectAsync();

        var payload = new PexMessage([new PexPeer(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 1), PexFlags.None)], []).ToArray();
        for (int i = 0; i < 7; i++) pair.A.Extended(ExtensionNames.UtPex, payload); // six in a minute are allowed
        var reason = await closed.WaitAsync(Wait);
        Assert.Equal(WireCloseReason.ExtensionViolation, reason.Reason);
        Assert.Contains("too frequently", reason.Message);
        Assert.Contains("too frequently", (await warning.WaitAsync(Wait)).Message);
    }

    [Fact]
    public async Task The_pex_timer_sends_nothing_and_throws_nothing_when_the_peer_lacks_ut_pex()
    {
        await using var pair = WirePair.Create();
        var sender = pair.A.Use(w => new UtPex(w));
        int received = 0;
        pair.B.ExtendedMessageReceived += (_, _) => Interlocked.Increment(ref received);
        await pair.ConnectAsync();
        Assert.False(sender.PeerSupported);
        sender.AddPeer(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 1));
        sender.Start();
        pair.Time.Advance(TimeSpan.FromMinutes(5));
        await BarrierAsync(pair.A, pair.B);
        Assert.Equal(0, received);
        Assert.False(pair.A.IsClosed);
    }

    private static async Task<(WirePair Pair, LtDontHave Seeder, LtDontHave Leecher, Task<byte[]> Request)> DontHaveSetupAsync(WireExtensions extensions)
    {
        var pair = WirePair.Create(pieceCount: 8);
        var seeder = pair.A.Use(w => new LtDontHave(w));
        var leecher = pair.B.Use(w => new LtDontHave(w));
        var held = new TaskCompletionSource<ReadOnlyMemory<byte>>();
        pair.A.RequestHandler = (_, _) => new ValueTask<ReadOnlyMemory<byte>>(held.Task); // never answers
        var unchoked = WirePair.NextPlain(h => pair.B.PeerUnchoked += h);
        await pair.ConnectAsync(extensions);
        pair.A.Bitfield([0xFF]);
        pair.A.Unchoke();
        pair.B.Interested();
        await unchoked.WaitAsync(Wait);
        var requested = WirePair.Next<BlockEventArgs>(h => pair.A.RequestReceived += h);
        var request = pair.B.RequestAsync(3, 0, 16384).AsTask();
        await requested.WaitAsync(Wait);
        Assert.True(pair.B.PeerPieces.Get(3));
        return (pair, seeder, leecher, request);
    }

    [Fact]
    public async Task Without_fast_a_donthave_clears_the_piece_and_fails_the_pending_request()
    {
        var (pair, seeder, leecher, request) = await DontHaveSetupAsync(WireExtensions.None);
        await using (pair)
        {
            var received = WirePair.Next<DontHaveEventArgs>(h => leecher.DontHaveReceived += h);
            Assert.True(seeder.DontHave(3));
            var failure = await Assert.ThrowsAsync<WireRequestException>(() => request.WaitAsync(Wait));
            Assert.Equal(WireRequestFailure.DontHave, failure.Failure);
            var e = await received.WaitAsync(Wait);
            Assert.Equal(3, e.Index);
            Assert.Equal(1, e.FailedRequests);
            Assert.False(pair.B.PeerPieces.Get(3));
            Assert.True(pair.B.PeerPieces.Get(2));
            Assert.Empty(pair.B.Requests);
        }
    }

    [Fact]
    public async Task With_fast_a_donthave_leaves_the_request_for_the_peers_reject()
    {
        var (pair, seeder, leecher, request) = await DontHaveSetupAsync(WireExtensions.Fast);
        await using (pair)
        {
            Assert.True(pair.B.HasFast);
            var received = WirePair.Next<DontHaveEventArgs>(h => leecher.DontHaveReceived += h);
            seeder.DontHave(3);
            Assert.Equal(0, (await received.WaitAsync(Wait)).FailedRequests);
            Assert.False(request.IsCompleted);
            Assert.False(pair.B.PeerPieces.Get(3));

            pair.A.Reject(3, 0, 16384);
            var failure = await Assert.ThrowsAsync<WireRequestException>(() => request.WaitAsync(Wait));
            Assert.Equal(WireRequestFailure.Rejected, failure.Failure);
        }
    }

    [Fact]
    public async Task After_have_all_with_an_unknown_piece_count_a_donthave_keeps_the_other_pieces()
    {
        await using var pair = WirePair.Create();
        Assert.Equal(5, (await DontHaveAfterHaveAllAsync(pair, 5)).Index);
        Assert.True(pair.B.PeerPieces.Get(0));
        Assert.True(pair.B.PeerPieces.HasAll);
    }

    [Fact]
    public async Task After_have_all_with_a_known_piece_count_a_donthave_clears_only_that_piece()
    {
        await using var pair = WirePair.Create(pieceCount: 8);
        await DontHaveAfterHaveAllAsync(pair, 5);
        Assert.False(pair.B.PeerPieces.Get(5));
        Assert.Equal(7, pair.B.PeerPieces.Count);
    }

    /// <summary>Connects the pair with Fast and lt_donthave; A sends have-all, then a donthave for <paramref name="index"/> that B receives.</summary>
    private static async Task<DontHaveEventArgs> DontHaveAfterHaveAllAsync(WirePair pair, int index)
    {
        var sender = pair.A.Use(w => new LtDontHave(w));
        var leecher = pair.B.Use(w => new LtDontHave(w));
        var haveAll = WirePair.NextPlain(h => pair.B.HaveAllReceived += h);
        await pair.ConnectAsync(WireExtensions.Fast);
        pair.A.HaveAll();
        await haveAll.WaitAsync(Wait);
        var received = WirePair.Next<DontHaveEventArgs>(h => leecher.DontHaveReceived += h);
        sender.DontHave(index);
        return await received.WaitAsync(Wait);
    }

    [Fact]
    public async Task Metadata_is_fetched_byte_exact_between_two_wires()
    {
        var info = System.Text.Encoding.ASCII.GetBytes("d4:name" + new string('q', 40000).Length + ":" + new string('q', 40000) + "6:lengthi1ee");
        var hash = InfoHash.FromInfoDictionary(info);
        await using var pair = WirePair.Create(hash: hash);
        var fetcher = pair.A.Use(w => new UtMetadata(w));
        var server = pair.B.Use(w => new UtMetadata(w, info));
        var received = WirePair.Next<MetadataEventArgs>(h => fetcher.MetadataReceived += h);
        fetcher.Fetch();
        await pair.ConnectAsync();

        var metadata = await received.WaitAsync(Wait);
        Assert.Equal(info, metadata.Info.ToArray());
        Assert.Equal(hash, metadata.InfoHash);
        Assert.Equal(info.Length, pair.A.PeerExtendedHandshake!.MetadataSize);
        Assert.True(server.IsComplete);
        Assert.False(pair.A.IsClosed);
    }

    /// <summary>Plays a peer's ut_metadata by hand: holds the requests until <see cref="Release"/>, then answers them.</summary>
    private sealed class HeldMetadataServer(Wire.Wire wire, byte[] info) : IWireExtension
    {
        private readonly Lock _gate = new();
        private readonly List<int> _held = [];
        private bool _released;

        public string Name => ExtensionNames.UtMetadata;
        public TaskCompletionSource TwoRequests { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Answered { get; private set; }

        public void OnMessage(ReadOnlySpan<byte> payload)
        {
            int piece = MetadataMessage.Decode(payload).Piece;
            lock (_gate)
            {
                if (!_released)
                {
                    _held.Add(piece);
                    if (_held.Count == 2) TwoRequests.TrySetResult();
                    return;
                }
            }
            Answer(piece);
        }

        public void Release()
        {
            int[] held;
            lock (_gate)
            {
                _released = true;
                held = [.. _held];
            }
            foreach (int piece in held) Answer(piece);
        }

        private void Answer(int piece)
        {
            lock (_gate) Answered++;
            int start = piece * MetadataMessage.PieceLength, length = Math.Min(MetadataMessage.PieceLength, info.Length - start);
            wire.Extended(Name, MetadataMessage.DataPiece(piece, info.Length, info.AsSpan(start, length)).ToArray());
        }
    }

    [Fact]
    public async Task One_metadata_fetch_is_shared_by_two_wires_and_completes_from_both()
    {
        var name = new string('s', 6 * 16384);
        var info = System.Text.Encoding.ASCII.GetBytes($"d4:name{name.Length}:{name}6:lengthi1ee");
        var hash = InfoHash.FromInfoDictionary(info);
        var fetch = new MetadataFetch(hash);
        var received = WirePair.Next<MetadataEventArgs>(h => fetch.MetadataReceived += h);
        var options = new UtMetadataOptions { MaxOutstandingRequests = 2 };
        await using var first = WirePair.Create(hash: hash);
        await using var second = WirePair.Create(hash: hash);
        var servers = new List<HeldMetadataServer>();
        foreach (var pair in new[] { first, second })
        {
            pair.A.Use(w => new UtMetadata(w, fetch, options)).Fetch();
            servers.Add(pair.B.Use(w => new HeldMetadataServer(w, info)));
            pair.B.ExtendedHandshake["metadata_size"] = info.Length;
        }
        await Task.WhenAll(first.ConnectAsync(), second.ConnectAsync());

        // Each wire asked its peer for two different pieces before any arrived; then both peers answer everything.
        await Task.WhenAll(servers.Select(s => s.TwoRequests.Task)).WaitAsync(Wait);
        Assert.Equal(info.Length, fetch.Size);
        foreach (var server in servers) server.Release();

        var metadata = await received.WaitAsync(Wait);
        Assert.Equal(info, metadata.Info.ToArray());
        Assert.True(first.A.GetExtension<UtMetadata>()!.IsComplete);
        Assert.True(second.A.GetExtension<UtMetadata>()!.IsComplete);
        Assert.All(servers, s => Assert.True(s.Answered >= 2));
        Assert.Equal(0, fetch.BufferedBytes);
    }
}
