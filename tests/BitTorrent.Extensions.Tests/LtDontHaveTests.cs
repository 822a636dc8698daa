namespace BitTorrent.Extensions.Tests;

public class LtDontHaveTests
{
    private static (FakeExtensionWire Wire, LtDontHave Ext, List<DontHaveEventArgs> Events, List<string> Warnings) Create()
    {
        var wire = new FakeExtensionWire { PeerPieceCount = 8 };
        wire.PeerExtensions.Add(ExtensionNames.LtDontHave);
        var ext = new LtDontHave(wire, null);
        var events = new List<DontHaveEventArgs>();
        var warnings = new List<string>();
        ext.DontHaveReceived += (_, e) => events.Add(e);
        ext.Warning += (_, e) => warnings.Add(e.Message);
        return (wire, ext, events, warnings);
    }

    [Fact]
    public void DontHave_sends_the_four_byte_big_endian_index()
    {
        var (wire, ext, _, _) = Create();
        Assert.Equal("lt_donthave", ext.Name);
        Assert.True(ext.PeerSupported);
        Assert.True(ext.DontHave(0x01020304));
        var (name, payload) = Assert.Single(wire.Sent);
        Assert.Equal("lt_donthave", name);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, payload);
        Assert.Throws<ArgumentOutOfRangeException>(() => ext.DontHave(-1));
    }

    [Fact]
    public void DontHave_sends_nothing_when_the_peer_did_not_advertise_it()
    {
        var (wire, ext, _, _) = Create();
        wire.PeerExtensions.Clear();
        Assert.False(ext.PeerSupported);
        Assert.False(ext.DontHave(3));
        Assert.Empty(wire.Sent);
    }

    [Fact]
    public void A_donthave_clears_the_piece_and_fails_its_requests_without_fast()
    {
        var (wire, ext, events, warnings) = Create();
        wire.PeerPieces.UnionWith([2, 3]);
        wire.PendingRequestsPerPiece = 2;
        ext.OnMessage([0, 0, 0, 3]);
        var e = Assert.Single(events);
        Assert.Equal(3, e.Index);
        Assert.Equal(2, e.FailedRequests);
        Assert.Equal([3], wire.FailedPieces);
        Assert.Equal([2], wire.PeerPieces);
        Assert.Empty(warnings);
    }

    [Fact]
    public void With_fast_the_requests_are_left_for_the_peers_rejects()
    {
        var (wire, ext, events, _) = Create();
        wire.HasFast = true;
        wire.PeerPieces.Add(5);
        ext.OnMessage([0, 0, 0, 5]);
        Assert.Equal(0, Assert.Single(events).FailedRequests);
        Assert.Empty(wire.FailedPieces);
        Assert.DoesNotContain(5, wire.PeerPieces);
    }

    [Fact]
    public void A_donthave_for_a_piece_the_peer_never_had_is_ignored_without_an_event()
    {
        var (wire, ext, events, warnings) = Create();
        ext.OnMessage([0, 0, 0, 1]);
        Assert.Empty(events);
        Assert.Empty(warnings);
        Assert.Empty(wire.FailedPieces);
    }

    [Fact]
    public void A_second_donthave_for_the_same_piece_does_nothing()
    {
        var (wire, ext, events, _) = Create();
        wire.PeerPieces.Add(1);
        ext.OnMessage([0, 0, 0, 1]);
        ext.OnMessage([0, 0, 0, 1]);
        Assert.Single(events);
        Assert.Single(wire.FailedPieces);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0, 0, 1 })]
    [InlineData(new byte[] { 0, 0, 0, 1, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 8 })]          // past the 8 pieces
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF })]
    public void Malformed_or_out_of_range_messages_are_ignored_with_a_warning(byte[] payload)
    {
        var (wire, ext, events, warnings) = Create();
        wire.PeerPieces.UnionWith(Enumerable.Range(0, 8));
        ext.OnMessage(payload);
        Assert.Empty(events);
        Assert.Single(warnings);
        Assert.Equal(8, wire.PeerPieces.Count);
        Assert.False(wire.IsClosed);
    }

    [Fact]
    public void With_an_unknown_piece_count_any_index_the_peer_has_is_accepted()
    {
        var (wire, ext, events, _) = Create();
        wire.PeerPieceCount = 0;
        wire.PeerPieces.Add(1000);
        ext.OnMessage([0, 0, 0x03, 0xE8]);
        Assert.Equal(1000, Assert.Single(events).Index);
    }

    [Fact]
    public void After_dispose_messages_are_ignored_and_nothing_is_sent()
    {
        var (wire, ext, events, warnings) = Create();
        wire.PeerPieces.Add(2);
        ext.Dispose();
        Assert.False(ext.DontHave(1));
        Assert.Empty(wire.Sent);
        ext.OnMessage([0, 0, 0, 2]);
        ext.OnMessage([0]);
        Assert.Empty(events);
        Assert.Empty(warnings);
        Assert.Contains(2, wire.PeerPieces);
    }
}
