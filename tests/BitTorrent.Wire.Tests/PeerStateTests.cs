using System.Text;

namespace BitTorrent.Wire.Tests;

/// <summary>What the peer can make the wire hold and report: the extended mapping, reqq, reserved bytes, piece count.</summary>
public class PeerStateTests
{
    private static async Task SendExtendedHandshakeAsync(RawPeer raw, string bencoded)
    {
        var payload = Encoding.ASCII.GetBytes(bencoded);
        var message = new byte[6 + payload.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(message, 2 + payload.Length);
        message[4] = 20;
        payload.CopyTo(message, 6);
        var received = TestIds.Next<ExtendedHandshakeEventArgs>(h => raw.Wire.ExtendedHandshakeReceived += h);
        await raw.SendAsync(message);
        await received.Within();
    }

    [Fact]
    public async Task A_repeated_extended_handshake_replaces_the_mapping_and_names_are_bounded()
    {
        await using var raw = new RawPeer();
        await raw.HandshakeAsync();
        await SendExtendedHandshakeAsync(raw, "d1:md5:ut_aai1e5:ut_bbi2eee");
        Assert.Equal(2, raw.Wire.PeerExtendedMapping.Count);
        await SendExtendedHandshakeAsync(raw, "d1:md5:ut_cci3eee");
        Assert.Equal(["ut_cc"], raw.Wire.PeerExtendedMapping.Keys);

        var many = new StringBuilder("d1:md");
        foreach (var name in Enumerable.Range(0, 300).Select(i => $"x{i:D4}").Order(StringComparer.Ordinal)) many.Append($"5:{name}i7e");
        many.Append($"{ExtendedHandshake.MaxNameLength + 1}:{new string('y', ExtendedHandshake.MaxNameLength + 1)}i8e");
        many.Append("ee");
        await SendExtendedHandshakeAsync(raw, many.ToString());
        Assert.Equal(ExtendedHandshake.MaxExtensions, raw.Wire.PeerExtendedMapping.Count);
        Assert.DoesNotContain(raw.Wire.PeerExtendedMapping.Keys, k => k.Length > ExtendedHandshake.MaxNameLength);
    }

    [Theory]
    [InlineData(512, 500)]
    [InlineData(400, 399)]
    [InlineData(5000, Wire.MaxHonouredReqq)]
    [InlineData(1, 1)]
    public async Task We_keep_one_request_below_the_peers_reqq_and_at_most_the_cap(int reqq, int expected)
    {
        await using var raw = new RawPeer();
        await raw.HandshakeAsync();
        await SendExtendedHandshakeAsync(raw, $"d4:reqqi{reqq}ee");
        Assert.Equal(expected, raw.Wire.PeerRequestQueueLength);
    }

    [Fact]
    public async Task HandshakeReceived_carries_all_eight_reserved_bytes()
    {
        await using var raw = new RawPeer();
        var handshake = TestIds.Next<HandshakeEventArgs>(h => raw.Wire.HandshakeReceived += h);
        await raw.HandshakeAsync("8000000000180005");
        var e = await handshake.Within();
        Assert.Equal(0x8000000000180005UL, e.Reserved);
        Assert.Equal(Convert.FromHexString("8000000000180005"), e.ReservedBytes);
        Assert.Equal(WireExtensions.Extended | WireExtensions.Fast | WireExtensions.Dht, e.Extensions);
    }

    [Fact]
    public async Task A_magnet_wire_learns_the_piece_count_after_a_have_all_and_can_then_clear_a_piece()
    {
        await using var raw = new RawPeer();
        await raw.HandshakeAsync();
        var haveAll = TestIds.Next(h => raw.Wire.HaveAllReceived += h);
        await raw.SendHexAsync("000000010e");
        await haveAll.Within();
        Assert.Null(raw.Wire.PieceCount);

        raw.Wire.SetPieceCount(8); // the metadata arrived
        Assert.Equal(8, raw.Wire.PieceCount);
        Assert.Equal(8, raw.Wire.PeerPieces.Length);
        Assert.Equal(8, raw.Wire.PeerPieces.Count);
        raw.Wire.PeerPieces.Set(3, false); // what lt_donthave does
        Assert.Equal(7, raw.Wire.PeerPieces.Count);
        Assert.False(raw.Wire.PeerPieces[3]);
        Assert.Throws<InvalidOperationException>(() => raw.Wire.SetPieceCount(9));

        // Indices are now checked against the count.
        var closed = TestIds.Next<WireClosedEventArgs>(h => raw.Wire.Closed += h);
        await raw.SendHexAsync("000000050400000008");
        Assert.Equal(WireCloseReason.InvalidMessage, (await closed.Within()).Reason);
    }

    [Theory]
    [InlineData("00000003050000", 20)]   // a 2-byte bitfield for 20 pieces
    [InlineData("000000050400000010", 10)] // have 16 of 10 pieces
    public async Task What_the_peer_sent_before_the_piece_count_is_checked_against_it(string messages, int count)
    {
        await using var raw = new RawPeer();
        await raw.HandshakeAsync();
        var keepAlive = TestIds.Next(h => raw.Wire.KeepAliveReceived += h);
        await raw.SendHexAsync(messages + "00000000");
        await keepAlive.Within();
        var closed = TestIds.Next<WireClosedEventArgs>(h => raw.Wire.Closed += h);
        raw.Wire.SetPieceCount(count);
        Assert.Equal(WireCloseReason.InvalidMessage, (await closed.Within()).Reason);
    }

    [Fact]
    public async Task ExtendedMessageReceived_is_not_raised_once_an_extension_closed_the_wire()
    {
        await using var raw = new RawPeer();
        raw.Wire.Use(w => new ClosingExtension(w));
        int raised = 0;
        raw.Wire.ExtendedMessageReceived += (_, _) => Interlocked.Increment(ref raised);
        var closed = TestIds.Next<WireClosedEventArgs>(h => raw.Wire.Closed += h);
        await raw.HandshakeAsync();
        await raw.SendHexAsync("00000003140178");
        Assert.Equal(WireCloseReason.ProtocolViolation, (await closed.Within()).Reason);
        Assert.Equal(0, raised);
    }

    private sealed class ClosingExtension(Wire wire) : IWireExtension
    {
        public string Name => "x_close";

        public void OnMessage(ReadOnlySpan<byte> payload) => wire.Close(WireCloseReason.ProtocolViolation, "bad");
    }
}
