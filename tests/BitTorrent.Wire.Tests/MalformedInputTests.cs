using BitTorrent.Wire;

namespace BitTorrent.Wire.Tests;

/// <summary>Every malformed message closes only that wire, with a typed reason.</summary>
public class MalformedInputTests
{
    [Theory]
    [InlineData("0000000000100004", "0002000e", WireCloseReason.MessageTooLarge)]          // 128 KiB + 14: one above the limit
    [InlineData("0000000000100004", "ffffffff", WireCloseReason.MessageTooLarge)]          // 4 GiB frame
    [InlineData("0000000000100004", "00000003040702", WireCloseReason.InvalidMessage)]     // short have (the seed reads garbage)
    [InlineData("0000000000100004", "000000020000", WireCloseReason.InvalidMessage)]       // choke with a payload
    [InlineData("0000000000100004", "0000000a06000000010000400000", WireCloseReason.InvalidMessage)] // short request
    [InlineData("0000000000100004", "0000000d06000000010000000000020001", WireCloseReason.InvalidMessage)] // request > 128 KiB
    [InlineData("0000000000100004", "0000000d060000000100000000ffffffff", WireCloseReason.InvalidMessage)] // negative length
    [InlineData("0000000000100004", "00000002090a", WireCloseReason.InvalidMessage)]       // port of 1 byte
    [InlineData("0000000000100004", "0000000407000000", WireCloseReason.InvalidMessage)]   // piece without begin
    [InlineData("0000000000100004", "0000000114", WireCloseReason.InvalidMessage)]         // extended without id
    [InlineData("0000000000100004", "0000000504ffffffff", WireCloseReason.InvalidMessage)] // have index far out of range
    [InlineData("0000000000100000", "000000010e", WireCloseReason.ProtocolViolation)]      // have-all without Fast
    [InlineData("0000000000100000", "0000000d10000000010000400000004000", WireCloseReason.ProtocolViolation)] // reject without Fast
    [InlineData("0000000000100000", "000000051100000001", WireCloseReason.ProtocolViolation)] // allowed-fast without Fast
    public async Task Bad_frames_close_the_wire_with_a_reason(string peerReserved, string frame, WireCloseReason reason)
    {
        await using var raw = new RawPeer();
        var closed = TestIds.Next<WireClosedEventArgs>(h => raw.Wire.Closed += h);
        await raw.HandshakeAsync(peerReserved);
        await raw.SendHexAsync(frame);
        var e = await closed.Within();
        Assert.Equal(reason, e.Reason);
        Assert.NotNull(e.Message);
        Assert.True(raw.Wire.IsClosed);
    }

    [Theory]
    [InlineData("1442697454")]                                          // pstrlen 20
    [InlineData("13426974546f7272656e742070726f746f636f6d")]               // "BitTorrent protocom"
    public async Task Bad_handshakes_close_the_wire(string bytes)
    {
        await using var raw = new RawPeer();
        var closed = TestIds.Next<WireClosedEventArgs>(h => raw.Wire.Closed += h);
        raw.Wire.Start();
        await raw.SendHexAsync(bytes);
        Assert.Equal(WireCloseReason.InvalidHandshake, (await closed.Within()).Reason);
    }

    [Fact]
    public async Task Bitfield_size_must_match_a_known_piece_count()
    {
        await using var raw = new RawPeer(new WireOptions { PieceCount = 10 });
        var closed = TestIds.Next<WireClosedEventArgs>(h => raw.Wire.Closed += h);
        await raw.HandshakeAsync();
        await raw.SendHexAsync("0000000405ffffff");
        Assert.Equal(WireCloseReason.InvalidMessage, (await closed.Within()).Reason);
    }

    [Fact]
    public async Task Have_index_must_be_below_a_known_piece_count()
    {
        await using var raw = new RawPeer(new WireOptions { PieceCount = 10 });
        var have = TestIds.Next<PieceIndexEventArgs>(h => raw.Wire.HaveReceived += h);
        var closed = TestIds.Next<WireClosedEventArgs>(h => raw.Wire.Closed += h);
        await raw.HandshakeAsync();
        await raw.SendHexAsync("000000050400000009");
        Assert.Equal(9, (await have.Within()).Index);
        await raw.SendHexAsync("00000005040000000a");
        Assert.Equal(WireCloseReason.InvalidMessage, (await closed.Within()).Reason);
    }

    [Fact]
    public async Task A_bad_extended_handshake_is_ignored_not_fatal()
    {
        await using var raw = new RawPeer();
        var keepAlive = TestIds.Next(h => raw.Wire.KeepAliveReceived += h);
        await raw.HandshakeAsync();
        await raw.SendHexAsync("00000004140064ff 00000000");
        await keepAlive.Within();
        Assert.False(raw.Wire.IsClosed);
        Assert.Null(raw.Wire.PeerExtendedHandshake);
    }

    [Fact]
    public async Task A_throwing_event_handler_closes_only_that_wire()
    {
        await using var raw = new RawPeer();
        raw.Wire.HaveReceived += (_, _) => throw new InvalidOperationException("boom");
        var closed = TestIds.Next<WireClosedEventArgs>(h => raw.Wire.Closed += h);
        await raw.HandshakeAsync();
        await raw.SendHexAsync("000000050400000001");
        var e = await closed.Within();
        Assert.Equal(WireCloseReason.ApplicationError, e.Reason);
        Assert.IsType<InvalidOperationException>(e.Exception);
    }

    [Fact]
    public async Task Handlers_that_throw_on_many_busy_wires_close_every_one_of_them()
    {
        // Regression: the read loop let the handler's exception leave its event lock, and under load a wire's lock
        // stayed held, so its close events never ran (seen as a hang of the whole test run).
        static async Task OneAfterAnother()
        {
            for (int i = 0; i < 2000; i++)
            {
                var raw = new RawPeer();
                raw.Wire.HaveReceived += (_, _) => throw new InvalidOperationException("boom");
                var closed = TestIds.Next<WireClosedEventArgs>(h => raw.Wire.Closed += h);
                await raw.HandshakeAsync();
                await raw.SendHexAsync("000000050400000001");
                Assert.Equal(WireCloseReason.ApplicationError, (await closed.Within()).Reason);
                await raw.DisposeAsync().AsTask().Within(); // bounded: a stuck close fails the test, not the run
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(OneAfterAnother)));
    }

    [Fact]
    public async Task A_duplicate_have_raises_nothing()
    {
        await using var raw = new RawPeer();
        int haves = 0;
        raw.Wire.HaveReceived += (_, _) => haves++;
        var keepAlive = TestIds.Next(h => raw.Wire.KeepAliveReceived += h);
        await raw.HandshakeAsync();
        await raw.SendHexAsync("000000050400000001 000000050400000001 00000000");
        await keepAlive.Within();
        Assert.Equal(1, haves);
        Assert.True(raw.Wire.PeerPieces[1]);
    }

    [Fact]
    public async Task Requests_beyond_our_reqq_are_rejected_with_fast()
    {
        await using var raw = new RawPeer(new WireOptions { MaxPeerRequests = 1 });
        await raw.HandshakeAsync();
        var extended = await raw.ReceiveAsync(4);
        await raw.ReceiveAsync(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(extended));
        raw.Wire.Unchoke();
        await raw.ReceiveAsync(5);
        await raw.SendHexAsync("0000000d06000000010000000000004000 0000000d06000000020000000000004000");
        Assert.Equal("0000000d10000000020000000000004000", await raw.ReceiveHexAsync(17));
        Assert.Single(raw.Wire.PeerRequests);
    }
}
