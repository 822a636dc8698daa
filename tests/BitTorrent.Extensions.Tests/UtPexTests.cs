using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Extensions.Tests;

public class UtPexTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(65);

    private static IPEndPoint V4(int i, int port = 6881) => PexPair.V4(i, port);
    private static IPEndPoint V6(int i, int port = 6881) => PexPair.V6(i, port);

    [Fact]
    public void Sends_added_ipv4_and_ipv6_peers_with_flags_only_after_the_interval()
    {
        var pair = new PexPair();
        pair.A.AddPeer(V4(1), PexFlags.Seed | PexFlags.SupportsUtp);
        pair.A.AddPeer6(V6(2), PexFlags.Reachable | PexFlags.PrefersEncryption);
        pair.A.Start();
        Assert.True(pair.A.IsStarted);
        Assert.Equal("ut_pex", pair.A.Name);
        pair.Time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        Assert.Empty(pair.WireA.Sent);

        pair.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Single(pair.WireA.Sent);
        Assert.Equal(
            [(V4(1), PexFlags.Seed | PexFlags.SupportsUtp), (V6(2), PexFlags.Reachable | PexFlags.PrefersEncryption)],
            pair.LogB.Added.Select(e => (e.EndPoint, e.Flags)));
        Assert.False(pair.LogB.Added[0].IsIPv6);
        Assert.True(pair.LogB.Added[1].IsIPv6);
        Assert.Empty(pair.LogB.Warnings);
    }

    [Fact]
    public void A_first_message_delay_sends_the_first_list_early_and_then_keeps_the_interval()
    {
        var pair = new PexPair(senderOptions: new UtPexOptions { FirstMessageDelay = TimeSpan.FromSeconds(1) });
        pair.A.AddPeer(V4(1));
        pair.A.Start();
        pair.Time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Empty(pair.WireA.Sent);
        pair.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Single(pair.WireA.Sent);
        Assert.Equal([V4(1)], pair.LogB.Added.Select(e => e.EndPoint));

        pair.A.AddPeer(V4(2));
        pair.Time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        Assert.Single(pair.WireA.Sent);
        pair.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, pair.WireA.Sent.Count);
        Assert.Empty(pair.LogB.Warnings);
    }

    [Fact]
    public void The_message_on_the_wire_is_the_bep11_dictionary()
    {
        var pair = new PexPair();
        pair.A.AddPeer(new IPEndPoint(IPAddress.Parse("1.2.3.4"), 0x1AE1), PexFlags.Seed);
        pair.A.Start();
        pair.Time.Advance(Interval);
        var (name, payload) = Assert.Single(pair.WireA.Sent);
        Assert.Equal("ut_pex", name);
        Assert.Equal("d5:added6:\x01\x02\x03\x04\x1A\xE1" + "7:added.f1:\x02" + "6:added60:8:added6.f0:7:dropped0:8:dropped60:e",
            Encoding.Latin1.GetString(payload));
    }

    [Fact]
    public void Never_adds_and_drops_one_peer_in_one_message()
    {
        var pair = new PexPair();
        pair.A.AddPeer(V4(1));
        pair.A.DropPeer(V4(1));      // the drop replaces the pending add
        pair.A.DropPeer6(V6(3));
        pair.A.AddPeer6(V6(3));      // the add replaces the pending drop
        pair.A.Start();
        pair.Time.Advance(Interval);
        var message = PexMessage.Decode(pair.WireA.Sent.Single().Payload);
        Assert.Equal([V6(3)], message.Added.Select(p => p.EndPoint));
        Assert.Equal([V4(1)], message.Dropped);
        Assert.Equal([V6(3)], pair.LogB.Added.Select(e => e.EndPoint));
        Assert.Equal([V4(1)], pair.LogB.Dropped.Select(e => e.EndPoint));
    }

    [Fact]
    public void Sends_at_most_fifty_added_and_fifty_dropped_per_message_in_insertion_order()
    {
        var pair = new PexPair();
        for (int i = 1; i <= 40; i++) pair.A.AddPeer(V4(i));
        for (int i = 1; i <= 30; i++) pair.A.AddPeer6(V6(i));
        for (int i = 100; i < 160; i++) pair.A.DropPeer(V4(i));
        pair.A.Start();
        pair.Time.Advance(Interval);
        var first = PexMessage.Decode(pair.WireA.Sent[0].Payload);
        Assert.Equal(50, first.Added.Count);
        Assert.Equal(50, first.Dropped.Count);
        Assert.Equal(40, first.Added.Count(p => p.EndPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork));

        pair.Time.Advance(Interval);
        var second = PexMessage.Decode(pair.WireA.Sent[1].Payload);
        Assert.Equal(20, second.Added.Count);
        Assert.Equal(10, second.Dropped.Count);
        Assert.Equal(70, pair.LogB.Added.Count);
        Assert.Equal(60, pair.LogB.Dropped.Count);
        Assert.Empty(pair.LogB.Warnings);

        pair.Time.Advance(Interval); // nothing pending: nothing sent
        Assert.Equal(2, pair.WireA.Sent.Count);
    }

    [Fact]
    public void Received_peers_are_reported_once_until_dropped()
    {
        var pair = new PexPair();
        pair.A.Start();
        pair.A.AddPeer(V4(1));
        pair.Time.Advance(Interval);
        pair.A.AddPeer(V4(1));
        pair.Time.Advance(Interval);
        Assert.Single(pair.LogB.Added);
        pair.A.DropPeer(V4(1));
        pair.Time.Advance(Interval);
        pair.A.DropPeer(V4(1));
        pair.Time.Advance(Interval);
        Assert.Single(pair.LogB.Dropped);
        pair.A.AddPeer(V4(1));
        pair.Time.Advance(Interval);
        Assert.Equal(2, pair.LogB.Added.Count);
    }

    [Fact]
    public void Stop_keeps_pending_peers_and_reset_forgets_them()
    {
        var pair = new PexPair();
        pair.A.AddPeer(V4(1));
        pair.A.Start();
        pair.A.Stop();
        Assert.False(pair.A.IsStarted);
        pair.Time.Advance(Interval);
        Assert.Empty(pair.WireA.Sent);

        pair.A.Start();
        pair.Time.Advance(Interval);
        Assert.Single(pair.LogB.Added);

        pair.A.AddPeer(V4(2));
        pair.A.Reset();
        Assert.False(pair.A.IsStarted);
        pair.A.Start();
        pair.Time.Advance(Interval);
        Assert.Single(pair.LogB.Added);
    }

    [Fact]
    public void Sends_nothing_and_throws_nothing_when_the_peer_lacks_ut_pex()
    {
        var pair = new PexPair(peerSupportsPex: false);
        Assert.False(pair.A.PeerSupported);
        pair.A.AddPeer(V4(1));
        pair.A.Start();
        pair.Time.Advance(Interval * 3);
        Assert.Empty(pair.WireA.Sent);
        Assert.False(pair.WireA.IsClosed);

        // Once the peer maps ut_pex (a later extended handshake), the pending peer goes out.
        pair.WireA.PeerExtensions.Add(ExtensionNames.UtPex);
        pair.Time.Advance(Interval);
        Assert.Single(pair.LogB.Added);
    }

    [Fact]
    public void A_send_failing_after_the_check_does_not_escape_the_timer()
    {
        var pair = new PexPair();
        pair.WireA.ThrowOnSend = true;
        pair.A.AddPeer(V4(1));
        pair.A.Start();
        pair.Time.Advance(Interval);
        Assert.Empty(pair.LogB.Added);
        Assert.True(pair.A.IsStarted);
    }

    [Fact]
    public void Stops_its_timer_when_the_wire_closes()
    {
        var pair = new PexPair();
        pair.A.Start();
        pair.WireA.Close();
        Assert.False(pair.A.IsStarted);
        pair.A.AddPeer(V4(1));
        pair.Time.Advance(Interval);
        Assert.Empty(pair.WireA.Sent);
    }

    [Fact]
    public void Validates_addresses_when_they_are_added()
    {
        var pair = new PexPair();
        var pex = pair.A;
        Assert.Throws<ArgumentException>(() => pex.AddPeer(V6(1)));
        Assert.Throws<ArgumentException>(() => pex.AddPeer6(V4(1)));
        Assert.Throws<ArgumentException>(() => pex.DropPeer(V6(1)));
        Assert.Throws<ArgumentException>(() => pex.DropPeer6(V4(1)));
        Assert.Throws<ArgumentException>(() => pex.AddPeer(V4(1, port: 0)));
        Assert.Throws<ArgumentException>(() => pex.AddPeer6(new IPEndPoint(IPAddress.Parse("::ffff:10.0.0.1"), 5))); // IPv4-mapped is IPv4
        Assert.Throws<ArgumentNullException>(() => pex.AddPeer(null!));
        pex.AddPeer(new IPEndPoint(IPAddress.Parse("::ffff:10.0.0.1"), 6881));
        pex.Start();
        pair.Time.Advance(Interval);
        Assert.Equal([new IPEndPoint(IPAddress.Parse("10.0.0.1"), 6881)], pair.LogB.Added.Select(e => e.EndPoint));
    }

    [Fact]
    public void Messages_a_minute_apart_are_accepted_even_when_the_first_was_undecodable()
    {
        var pair = new PexPair();
        pair.B.OnMessage("not bencode"u8);
        pair.Time.Advance(TimeSpan.FromSeconds(60));
        pair.B.OnMessage(new PexMessage([new PexPeer(V4(2), PexFlags.None)], []).ToArray());
        pair.Time.Advance(TimeSpan.FromSeconds(60));
        pair.B.OnMessage(new PexMessage([new PexPeer(V4(3), PexFlags.None)], []).ToArray());
        Assert.Equal(2, pair.LogB.Added.Count);
        Assert.Single(pair.LogB.Warnings);
        Assert.False(pair.WireB.IsClosed);
    }

    [Fact]
    public void A_malformed_message_applies_nothing_and_keeps_the_wire_open()
    {
        var pair = new PexPair();
        // 'added' is valid, 'dropped6' is not a multiple of 18: nothing of it is applied.
        pair.B.OnMessage(Encoding.Latin1.GetBytes("d5:added6:\x01\x02\x03\x04\x1A\xE1" + "8:dropped63:abce"));
        Assert.Empty(pair.LogB.Added);
        Assert.Empty(pair.LogB.Dropped);
        Assert.Contains("malformed", Assert.Single(pair.LogB.Warnings));
        Assert.False(pair.WireB.IsClosed);
    }

    [Fact]
    public void A_message_with_thousands_of_peers_is_bounded()
    {
        var pair = new PexPair(new UtPexOptions { MaxReceivedPeersPerMessage = 100 });
        var peers = Enumerable.Range(1, 5000).Select(i => new PexPeer(V4(i % 60000 + 1, 1 + i), PexFlags.None)).ToArray();
        pair.B.OnMessage(new PexMessage(peers, []).ToArray());
        Assert.Equal(100, pair.LogB.Added.Count);
        Assert.Contains(pair.LogB.Warnings, w => w.Contains("4900"));
    }

    [Fact]
    public void Remembers_a_bounded_number_of_received_peers()
    {
        var pair = new PexPair(new UtPexOptions { MaxRememberedPeers = 10 });
        pair.B.OnMessage(new PexMessage(Enumerable.Range(1, 20).Select(i => new PexPeer(V4(i), PexFlags.None)).ToArray(), []).ToArray());
        pair.Time.Advance(TimeSpan.FromMinutes(1));
        // Peers 1..10 were forgotten (oldest first), so they are reported again; 11..20 are not.
        pair.B.OnMessage(new PexMessage(Enumerable.Range(11, 10).Concat(Enumerable.Range(1, 5)).Select(i => new PexPeer(V4(i), PexFlags.None)).ToArray(), []).ToArray());
        Assert.Equal(25, pair.LogB.Added.Count);
    }

    [Fact]
    public void Skips_our_own_address_port_zero_and_unspecified_addresses()
    {
        var pair = new PexPair();
        var own = new IPEndPoint(IPAddress.Loopback, 51413);
        pair.WireB.Own.Add(new IPEndPoint(IPAddress.Parse("::ffff:127.0.0.1"), 51413));
        pair.WireB.Own.Add(new IPEndPoint(IPAddress.Parse("203.0.113.5"), 6881));
        pair.B.OnMessage(new PexMessage(
            [new PexPeer(own, PexFlags.None), new PexPeer(new IPEndPoint(IPAddress.Parse("203.0.113.5"), 6881), PexFlags.None),
             new PexPeer(V4(1, port: 0), PexFlags.None),
             new PexPeer(new IPEndPoint(IPAddress.Any, 5), PexFlags.None), new PexPeer(V4(2), PexFlags.None)],
            [own]).ToArray());
        Assert.Equal([V4(2)], pair.LogB.Added.Select(e => e.EndPoint));
        Assert.Empty(pair.LogB.Dropped);
    }

    [Fact]
    public void Does_not_advertise_a_peer_the_remote_side_told_us_about()
    {
        var pair = new PexPair();
        pair.WireA.PeerExtensions.Add(ExtensionNames.UtPex);
        pair.A.AddPeer(V4(7));
        pair.A.Start();
        pair.Time.Advance(Interval);
        Assert.Single(pair.LogB.Added);

        pair.B.AddPeer(V4(7));   // B heard about it from A: not sent back
        pair.B.AddPeer(V4(8));
        pair.B.Start();
        pair.Time.Advance(Interval);
        Assert.Equal([V4(8)], pair.LogA.Added.Select(e => e.EndPoint));
    }
}
