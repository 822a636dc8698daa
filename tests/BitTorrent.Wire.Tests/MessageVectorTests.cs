using BitTorrent.Wire;

namespace BitTorrent.Wire.Tests;

/// <summary>Byte-exact encodings of every message, both as written and as sent by a wire.</summary>
public class MessageVectorTests
{
    [Fact]
    public void Handshake_layout()
    {
        var bytes = new byte[68];
        MessageWriter.WriteHandshake(bytes, TestIds.Hash, TestIds.IdA, WireExtensions.Extended | WireExtensions.Fast | WireExtensions.Dht);
        Assert.Equal("13426974546f7272656e742070726f746f636f6c" + "0000000000100005" + TestIds.Hash + Convert.ToHexStringLower(TestIds.IdA.Span),
            Convert.ToHexStringLower(bytes));
        Assert.Equal(WireExtensions.Extended | WireExtensions.Fast | WireExtensions.Dht, MessageWriter.ReadReserved(bytes.AsSpan(20, 8)));
        Assert.Equal(WireExtensions.Extended, MessageWriter.ReadReserved(Convert.FromHexString("0000000000100000")));
    }

    [Theory]
    [InlineData(MessageId.Choke, "0000000100")]
    [InlineData(MessageId.Unchoke, "0000000101")]
    [InlineData(MessageId.Interested, "0000000102")]
    [InlineData(MessageId.NotInterested, "0000000103")]
    [InlineData(MessageId.HaveAll, "000000010e")]
    [InlineData(MessageId.HaveNone, "000000010f")]
    public void Empty_messages(MessageId id, string hex)
    {
        var bytes = new byte[5];
        Assert.Equal(5, MessageWriter.WriteEmpty(bytes, id));
        Assert.Equal(hex, Convert.ToHexStringLower(bytes));
    }

    [Theory]
    [InlineData(MessageId.Have, "000000050400000102")]
    [InlineData(MessageId.Suggest, "000000050d00000102")]
    [InlineData(MessageId.AllowedFast, "000000051100000102")]
    public void Index_messages(MessageId id, string hex)
    {
        var bytes = new byte[9];
        MessageWriter.WriteIndex(bytes, id, 258);
        Assert.Equal(hex, Convert.ToHexStringLower(bytes));
    }

    [Theory]
    [InlineData(MessageId.Request, "0000000d06000000010000400000004000")]
    [InlineData(MessageId.Cancel, "0000000d08000000010000400000004000")]
    [InlineData(MessageId.Reject, "0000000d10000000010000400000004000")]
    public void Block_messages(MessageId id, string hex)
    {
        var bytes = new byte[17];
        MessageWriter.WriteBlock(bytes, id, new BlockRequest(1, 16384, 16384));
        Assert.Equal(hex, Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public void Piece_port_keepalive_and_headers()
    {
        var bytes = new byte[13];
        MessageWriter.WritePieceHeader(bytes, 2, 32768, 3);
        Assert.Equal("0000000c070000000200008000", Convert.ToHexStringLower(bytes));
        var port = new byte[7];
        MessageWriter.WritePort(port, 6881);
        Assert.Equal("00000003091ae1", Convert.ToHexStringLower(port));
        var keepAlive = new byte[4];
        MessageWriter.WriteKeepAlive(keepAlive);
        Assert.Equal("00000000", Convert.ToHexStringLower(keepAlive));
        var header = new byte[5];
        MessageWriter.WriteHeader(header, MessageId.Bitfield, 2);
        Assert.Equal("0000000305", Convert.ToHexStringLower(header));
    }

    [Fact]
    public async Task A_wire_sends_exactly_these_bytes()
    {
        await using var raw = new RawPeer();
        await raw.HandshakeAsync();
        var extended = await raw.ReceiveAsync(4);
        int extendedLength = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(extended);
        var body = await raw.ReceiveAsync(extendedLength);
        Assert.Equal(20, body[0]);
        Assert.Equal(0, body[1]);
        Assert.StartsWith("d1:md", System.Text.Encoding.ASCII.GetString(body, 2, body.Length - 2));

        raw.Wire.Unchoke();
        Assert.Equal("0000000101", await raw.ReceiveHexAsync(5));
        raw.Wire.Interested();
        Assert.Equal("0000000102", await raw.ReceiveHexAsync(5));
        raw.Wire.Uninterested();
        Assert.Equal("0000000103", await raw.ReceiveHexAsync(5));
        raw.Wire.Choke();
        Assert.Equal("0000000100", await raw.ReceiveHexAsync(5));
        raw.Wire.Have(258);
        Assert.Equal("000000050400000102", await raw.ReceiveHexAsync(9));
        var bits = new BitField(10);
        bits.Set(0);
        bits.Set(9);
        raw.Wire.Bitfield(bits);
        Assert.Equal("00000003058040", await raw.ReceiveHexAsync(7));
        raw.Wire.Port(6881);
        Assert.Equal("00000003091ae1", await raw.ReceiveHexAsync(7));
        raw.Wire.KeepAlive();
        Assert.Equal("00000000", await raw.ReceiveHexAsync(4));
        raw.Wire.HaveAll();
        Assert.Equal("000000010e", await raw.ReceiveHexAsync(5));
        raw.Wire.HaveNone();
        Assert.Equal("000000010f", await raw.ReceiveHexAsync(5));
        raw.Wire.Suggest(258);
        Assert.Equal("000000050d00000102", await raw.ReceiveHexAsync(9));
        raw.Wire.AllowedFast(258);
        Assert.Equal("000000051100000102", await raw.ReceiveHexAsync(9));
        raw.Wire.Reject(1, 16384, 16384);
        Assert.Equal("0000000d10000000010000400000004000", await raw.ReceiveHexAsync(17));
        raw.Wire.Piece(2, 32768, [1, 2, 3]);
        Assert.Equal("0000000c070000000200008000010203", await raw.ReceiveHexAsync(16));
        raw.Wire.Extended(5, "abc"u8);
        Assert.Equal("000000051405616263", await raw.ReceiveHexAsync(9));
    }

    [Fact]
    public async Task A_wire_parses_every_inbound_message()
    {
        await using var raw = new RawPeer();
        var log = new List<string>();
        var w = raw.Wire;
        w.PeerUnchoked += (_, _) => log.Add("unchoke");
        w.PeerChoked += (_, _) => log.Add("choke");
        w.PeerInterestedReceived += (_, _) => log.Add("interested");
        w.PeerUninterestedReceived += (_, _) => log.Add("uninterested");
        w.HaveReceived += (_, e) => log.Add($"have {e.Index}");
        w.BitfieldReceived += (_, e) => log.Add($"bitfield {e.BitField.Count}");
        w.HaveAllReceived += (_, _) => log.Add("have-all");
        w.HaveNoneReceived += (_, _) => log.Add("have-none");
        w.SuggestReceived += (_, e) => log.Add($"suggest {e.Index}");
        w.AllowedFastReceived += (_, e) => log.Add($"allowed-fast {e.Index}");
        w.RequestReceived += (_, e) => log.Add($"request {e.Request}");
        w.CancelReceived += (_, e) => log.Add($"cancel {e.Request}");
        w.RejectReceived += (_, e) => log.Add($"reject {e.Request}");
        w.PortReceived += (_, e) => log.Add($"port {e.Port}");
        w.KeepAliveReceived += (_, _) => log.Add("keep-alive");
        w.PieceReceived += (_, e) => log.Add($"piece {e.Index} {e.Begin} {Convert.ToHexStringLower(e.Data.Span)}");
        w.UnknownMessageReceived += (_, e) => log.Add($"unknown {e.Id} {Convert.ToHexStringLower(e.Payload.Span)}");
        var done = TestIds.Next<UnknownMessageEventArgs>(h => w.UnknownMessageReceived += h);
        await raw.HandshakeAsync();
        w.Unchoke();
        await raw.SendHexAsync("0000000101 0000000102 0000000103 000000050400000102 00000003058040 000000050400000102" +
            "000000010e 000000010f 000000050d00000007 000000051100000007 0000000d06000000010000400000004000" +
            "0000000d08000000010000400000004000 0000000d10000000010000400000004000 00000003091ae1 00000000" +
            "0000000c070000000200008000010203 0000000100 00000002630a");
        await done.Within();
        Assert.Equal([
            "unchoke", "interested", "uninterested", "have 258", "bitfield 2", "have 258", "have-all", "have-none", "suggest 7", "allowed-fast 7",
            "request BlockRequest { Index = 1, Begin = 16384, Length = 16384 }",
            "cancel BlockRequest { Index = 1, Begin = 16384, Length = 16384 }",
            "reject BlockRequest { Index = 1, Begin = 16384, Length = 16384 }",
            "port 6881", "keep-alive", "piece 2 32768 010203", "choke", "unknown 99 0a"], log);
        Assert.False(w.IsClosed);
    }
}
