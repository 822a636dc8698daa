using BitTorrent.Bencode;
using BitTorrent.Wire;

namespace BitTorrent.Wire.Tests;

public class HandshakeTests
{
    [Fact]
    public async Task Handshakes_carry_ids_and_reserved_bits()
    {
        await using var pair = WirePair.Create();
        var atB = TestIds.Next<HandshakeEventArgs>(h => pair.B.HandshakeReceived += h);
        var atA = TestIds.Next<HandshakeEventArgs>(h => pair.A.HandshakeReceived += h);
        await pair.HandshakeAsync(WireExtensions.Fast | WireExtensions.Dht, WireExtensions.Fast);
        var seenByB = await atB.Within();
        var seenByA = await atA.Within();
        Assert.Equal(TestIds.IdA, seenByB.PeerId);
        Assert.Equal(TestIds.Hash, seenByB.InfoHash);
        Assert.Equal(WireExtensions.Fast | WireExtensions.Dht | WireExtensions.Extended, seenByB.Extensions);
        Assert.Equal(WireExtensions.Fast | WireExtensions.Extended, seenByA.Extensions);
        Assert.Equal(TestIds.IdB, pair.A.PeerId);
        Assert.True(pair.A.HasFast);
        Assert.True(pair.B.HasFast);
    }

    [Fact]
    public async Task Fast_needs_both_sides()
    {
        await using var pair = WirePair.Create();
        await pair.HandshakeAsync(WireExtensions.Fast, WireExtensions.None);
        Assert.False(pair.A.HasFast);
        Assert.False(pair.B.HasFast);
        Assert.Throws<InvalidOperationException>(() => pair.A.HaveAll());
    }

    [Fact]
    public async Task Extended_handshake_carries_m_reqq_v_and_user_keys_once()
    {
        await using var pair = WirePair.Create(new WireOptions { MaxPeerRequests = 77 });
        pair.A.Use(w => new NamedExtension("x_one"));
        pair.A.Use(w => new NamedExtension("x_two"));
        pair.A.ExtendedHandshake["metadata_size"] = 1234;
        int count = 0;
        pair.B.ExtendedHandshakeReceived += (_, _) => Interlocked.Increment(ref count);
        var atB = TestIds.Next<ExtendedHandshakeEventArgs>(h => pair.B.ExtendedHandshakeReceived += h);
        await pair.HandshakeAsync();
        var handshake = (await atB.Within()).Handshake;
        Assert.Equal(1, handshake.GetExtensionId("x_one"));
        Assert.Equal(2, handshake.GetExtensionId("x_two"));
        Assert.Equal(77, handshake.Reqq);
        Assert.Equal(1234, handshake.MetadataSize);
        Assert.StartsWith("BitTorrent.NET", handshake.V);
        Assert.Equal(1, pair.B.PeerExtendedMapping["x_two"] - 1);
        Assert.Equal(76, pair.B.PeerRequestQueueLength); // one below the peer's reqq
        Assert.Equal(1, count);
        Assert.Throws<InvalidOperationException>(() => pair.A.Use(w => new NamedExtension("late")));
    }

    [Fact]
    public async Task Extension_hooks_and_messages_flow_both_ways()
    {
        await using var pair = WirePair.Create();
        var onA = pair.A.Use(w => new NamedExtension("x_echo"));
        var onB = pair.B.Use(w => new NamedExtension("x_echo"));
        pair.A.Use(w => new NamedExtension("x_only_a"));
        await pair.HandshakeAsync();
        Assert.Equal(TestIds.IdB, onA.Handshake!.PeerId);
        Assert.NotNull(onA.ExtendedHandshake);
        Assert.Same(onB, pair.B.GetExtension<NamedExtension>());
        Assert.True(pair.A.PeerSupportsExtension("x_echo"));
        Assert.False(pair.B.PeerSupportsExtension("x_missing"));
        var ex = Assert.Throws<InvalidOperationException>(() => pair.B.Extended("x_only_a_not", "x"u8));
        Assert.Equal("Unrecognized extension: x_only_a_not", ex.Message);

        var received = TestIds.Next<ExtendedMessageEventArgs>(h => pair.B.ExtendedMessageReceived += h);
        pair.A.Extended("x_echo", new BDictionary { ["hello"] = "world" });
        var message = await received.Within();
        Assert.Equal("x_echo", message.Name);
        Assert.Equal("d5:hello5:worlde", System.Text.Encoding.ASCII.GetString(message.Payload.Span));
        Assert.Equal("d5:hello5:worlde", System.Text.Encoding.ASCII.GetString(onB.Messages.Single()));
    }

    [Fact]
    public async Task Mismatched_info_hash_closes_the_wire()
    {
        await using var pair = WirePair.Create();
        var closed = TestIds.Next<WireClosedEventArgs>(h => pair.A.Closed += h);
        pair.A.Handshake(InfoHash.Parse("ffffffffffffffffffffffffffffffffffffffff"), TestIds.IdA);
        pair.B.Handshake(TestIds.Hash, TestIds.IdB);
        pair.A.Start();
        pair.B.Start();
        Assert.Equal(WireCloseReason.InfoHashMismatch, (await closed.Within()).Reason);
        // B, having been told the other hash first, refuses to answer with a different one.
        await using var other = WirePair.Create();
        var asked = TestIds.Next<HandshakeEventArgs>(h => other.B.HandshakeReceived += h);
        other.A.Handshake(TestIds.Hash, TestIds.IdA);
        other.A.Start();
        other.B.Start();
        await asked.Within();
        Assert.Throws<InvalidOperationException>(() => other.B.Handshake(InfoHash.Parse("ffffffffffffffffffffffffffffffffffffffff"), TestIds.IdB));
    }

    internal sealed class NamedExtension(string name) : IWireExtension
    {
        public string Name { get; } = name;
        public HandshakeEventArgs? Handshake { get; private set; }
        public ExtendedHandshake? ExtendedHandshake { get; private set; }
        public List<byte[]> Messages { get; } = [];

        public void OnHandshake(HandshakeEventArgs handshake) => Handshake = handshake;
        public void OnExtendedHandshake(ExtendedHandshake handshake) => ExtendedHandshake = handshake;
        public void OnMessage(ReadOnlySpan<byte> payload) => Messages.Add(payload.ToArray());
    }
}
