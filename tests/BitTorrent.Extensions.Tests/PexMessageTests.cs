using System.Net;
using System.Text;
using BitTorrent.Extensions;

namespace BitTorrent.Extensions.Tests;

public class PexMessageTests
{
    private static readonly IPEndPoint V4a = new(IPAddress.Parse("1.2.3.4"), 0x1AE1);
    private static readonly IPEndPoint V4b = new(IPAddress.Parse("10.0.0.255"), 65535);
    private static readonly IPEndPoint V6a = new(IPAddress.Parse("2001:db8::1"), 6881);

    private static byte[] B(string latin1) => Encoding.Latin1.GetBytes(latin1);

    [Fact]
    public void Encodes_all_six_keys_in_sorted_order_with_compact_entries_and_flags()
    {
        var message = new PexMessage(
            [new PexPeer(V4a, PexFlags.Seed | PexFlags.SupportsUtp), new PexPeer(V6a, PexFlags.Reachable)],
            [V4b]);
        var expected = B("d5:added6:\x01\x02\x03\x04\x1A\xE1" + "7:added.f1:\x06"
            + "6:added618:\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01\x1A\xE1" + "8:added6.f1:\x10"
            + "7:dropped6:\x0a\0\0\xff\xff\xff" + "8:dropped60:e");
        Assert.Equal(expected, message.ToArray());
    }

    [Fact]
    public void Empty_message_still_carries_every_key()
    {
        Assert.Equal(B("d5:added0:7:added.f0:6:added60:8:added6.f0:7:dropped0:8:dropped60:e"), new PexMessage([], []).ToArray());
    }

    [Fact]
    public void Ipv4_mapped_addresses_travel_in_the_ipv4_lists()
    {
        var mapped = new IPEndPoint(IPAddress.Parse("::ffff:1.2.3.4"), 0x1AE1);
        var bytes = new PexMessage([new PexPeer(mapped, PexFlags.None)], []).ToArray();
        Assert.StartsWith("d5:added6:\x01\x02\x03\x04\x1A\xE1", Encoding.Latin1.GetString(bytes));
    }

    [Fact]
    public void Decodes_what_it_encodes()
    {
        var peers = Enumerable.Range(1, 50).Select(i => new PexPeer(new IPEndPoint(new IPAddress([10, 0, 0, (byte)i]), 1000 + i), (PexFlags)(i & 0x1F)))
            .Concat(Enumerable.Range(1, 50).Select(i => new PexPeer(new IPEndPoint(IPAddress.Parse($"2001:db8::{i:x}"), 2000 + i), PexFlags.SupportsHolepunch)))
            .ToArray();
        IPEndPoint[] dropped = [V4b, new IPEndPoint(IPAddress.Parse("fe80::2"), 9)];
        var decoded = PexMessage.Decode(new PexMessage(peers, dropped).ToArray());
        Assert.Equal(peers, decoded.Added);
        Assert.Equal(dropped, decoded.Dropped);
        Assert.Equal(0, decoded.IgnoredPeers);
    }

    [Fact]
    public void Missing_flags_decode_as_none_and_short_flags_cover_only_their_peers()
    {
        var decoded = PexMessage.Decode(B("d5:added12:\x01\x02\x03\x04\x1A\xE1\x0a\0\0\xff\xff\xff" + "7:added.f1:\x02" + "e"));
        Assert.Equal([new PexPeer(V4a, PexFlags.Seed), new PexPeer(V4b, PexFlags.None)], decoded.Added);
        Assert.Empty(decoded.Dropped);
    }

    [Fact]
    public void Accepts_any_subset_of_keys_in_any_order_and_ignores_unknown_keys()
    {
        var decoded = PexMessage.Decode(B("d8:dropped60:1:xli1eli2eee7:dropped6:\x01\x02\x03\x04\x1A\xE1" + "e"));
        Assert.Empty(decoded.Added);
        Assert.Equal([V4a], decoded.Dropped);
        Assert.Empty(PexMessage.Decode(B("de")).Added);
    }

    [Theory]
    [InlineData("d5:added5:\x01\x02\x03\x04\x1A" + "e")]              // not a multiple of 6
    [InlineData("d6:added617:\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0e")] // not a multiple of 18
    [InlineData("d7:dropped7:\0\0\0\0\0\0\0e")]
    [InlineData("d8:dropped61:\0e")]
    [InlineData("d5:addedi5ee")]                                 // wrong type
    [InlineData("d7:added.fle")]
    [InlineData("le")]                                           // not a dictionary
    [InlineData("")]
    [InlineData("d5:added6:\x01\x02")]                           // truncated
    [InlineData("garbage")]
    public void Rejects_malformed_payloads_with_a_typed_error(string payload)
    {
        var e = Assert.Throws<ExtensionMessageException>(() => PexMessage.Decode(B(payload)));
        Assert.Equal("ut_pex", e.Extension);
    }

    [Fact]
    public void A_bad_later_list_rejects_the_whole_message()
    {
        // 'added' is fine, 'dropped6' is not: nothing is returned (no half-applied result).
        Assert.Throws<ExtensionMessageException>(() => PexMessage.Decode(B("d5:added6:\x01\x02\x03\x04\x1A\xE1" + "8:dropped63:abce")));
    }

    [Fact]
    public void Thousands_of_peers_are_bounded_and_counted()
    {
        var compact4 = new byte[3000 * 6];
        var compact6 = new byte[1000 * 18];
        var payload = new List<byte>();
        payload.AddRange(B($"d5:added{compact4.Length}:")); payload.AddRange(compact4);
        payload.AddRange(B($"6:added6{compact6.Length}:")); payload.AddRange(compact6);
        payload.AddRange(B($"7:dropped{compact4.Length}:")); payload.AddRange(compact4);
        payload.AddRange(B("e"));
        var decoded = PexMessage.Decode(payload.ToArray(), maxPeers: 120);
        Assert.Equal(120, decoded.Added.Count);
        Assert.Equal(120, decoded.Dropped.Count);
        Assert.Equal(3000 + 1000 + 3000 - 240, decoded.IgnoredPeers);
        Assert.Equal(PexMessage.DefaultMaxDecodedPeers, PexMessage.Decode(payload.ToArray()).Added.Count);
    }

    [Fact]
    public void Bound_keeps_ipv4_first_then_ipv6()
    {
        var decoded = PexMessage.Decode(new PexMessage([new PexPeer(V6a, PexFlags.None), new PexPeer(V4a, PexFlags.None)], []).ToArray(), maxPeers: 1);
        Assert.Equal([new PexPeer(V4a, PexFlags.None)], decoded.Added);
        Assert.Equal(1, decoded.IgnoredPeers);
    }

    [Fact]
    public void Constructor_rejects_null_addresses()
    {
        Assert.Throws<ArgumentException>(() => new PexMessage([new PexPeer(null!, PexFlags.None)], []));
        Assert.Throws<ArgumentException>(() => new PexMessage([], [null!]));
    }
}
