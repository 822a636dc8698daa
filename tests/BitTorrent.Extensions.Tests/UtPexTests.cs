using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Extensions.Tests;

public class UtPexTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(65);

    private static IPEndPoint V4(int i, int port = 6881) => new(new IPAddress([10, 0, (byte)(i >> 8), (byte)i]), port);
    private static IPEndPoint V6(int i, int port = 6881) => new(IPAddress.Parse($"2001:db8::{i:x}"), port);

    /// <summary>Two ut_pex instances whose fake wires deliver each other's messages synchronously.</summary>
    private sealed class Pair
    {
        public Pair(UtPexOptions? receiverOptions = null, bool peerSupportsPex = true)
        {
            var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
            WireA = new FakeExtensionWire(time);
            WireB = new FakeExtensionWire(time);
            if (peerSupportsPex) WireA.PeerExtensions.Add(ExtensionNames.UtPex);
            WireB.PeerExtensions.Add(ExtensionNames.UtPex);
            A = new UtPex(WireA, null);
            B = new UtPex(WireB, receiverOptions);
            WireA.OnSend = (_, payload) => B.OnMessage(payload);
            WireB.OnSend = (_, payload) => A.OnMessage(payload);
            foreach (var (pex, log) in new[] { (A, LogA), (B, LogB) })
            {
                pex.PeerAdded += (_, e) => log.Added.Add(e);
                pex.PeerDropped += (_, e) => log.Dropped.Add(e);
                pex.Warning += (_, e) => log.Warnings.Add(e.Message);
            }
        }

        public FakeExtensionWire WireA { get; }
        public FakeExtensionWire WireB { get; }
        public UtPex A { get; }
        public UtPex B { get; }
        public Log LogA { get; } = new();
        public Log LogB { get; } = new();
        public FakeTimeProvider Time => WireA.Time;
    }

    private sealed class Log
    {
        public List<PexPeerEventArgs> Added { get; } = [];
        public List<PexPeerEventArgs> Dropped { get; } = [];
        public List<string> Warnings { get; } = [];
    }

    [Fact]
    public void Sends_added_ipv4_and_ipv6_peers_with_flags_only_after_the_interval()
    {
        var pair = new Pair();
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
    public void The_message_on_the_wire_is_the_bep11_dictionary()
    {
        var pair = new Pair();
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
        var pair = new Pair();
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
        var pair = new Pair();
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
        var pair = new Pair();
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
        var pair = new Pair();
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
        var pair = new Pair(peerSupportsPex: false);
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
        var pair = new Pair();
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
        var pair = new Pair();
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
        var pair = new Pair();
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

    private static byte[] Message(int peer) => new PexMessage([new PexPeer(V4(peer), PexFlags.None)], []).ToArray();

    [Fact]
    public void A_seventh_message_within_a_minute_closes_the_wire_with_a_reason()
    {
        var pair = new Pair();
        for (int i = 1; i <= 6; i++)
        {
            pair.B.OnMessage(Message(i));
            pair.Time.Advance(TimeSpan.FromSeconds(9));
        }
        Assert.False(pair.WireB.IsClosed); // six in 45 s: libtorrent's receiver allows this many
        pair.B.OnMessage(Message(7));       // the seventh, 54 s after the first

        Assert.True(pair.WireB.IsClosed);
        Assert.Contains("too frequently", pair.WireB.CloseMessage);
        Assert.Contains(pair.LogB.Warnings, w => w.Contains("too frequently"));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => V4(i)), pair.LogB.Added.Select(e => e.EndPoint));
    }

    [Fact]
    public void A_flood_of_back_to_back_messages_closes_the_wire()
    {
        var pair = new Pair();
        for (int i = 1; i <= 7; i++) pair.B.OnMessage(Message(i));
        Assert.True(pair.WireB.IsClosed);
        Assert.Equal(6, pair.LogB.Added.Count);
    }

    [Fact]
    public void Libtorrent_timing_with_messages_back_to_back_after_a_read_pause_keeps_the_wire_open()
    {
        // Arrival times (s) of libtorrent's 60 s PEX as a reader behind a rate limit sees them: 59.6 s apart once
        // (the first waited behind data), back to back after a 60 s read pause, then every 60.0-60.2 s again. The
        // seed's rule (two messages less than 60 s apart) closed such a peer.
        double[] arrivals = [0, 60.2, 119.8, 180.0, 240.1, 300.2, 420.3, 420.4, 480.4, 540.5, 600.5, 660.7];
        var pair = new Pair();
        double previous = 0;
        for (int i = 0; i < arrivals.Length; i++)
        {
            pair.Time.Advance(TimeSpan.FromSeconds(arrivals[i] - previous));
            previous = arrivals[i];
            pair.B.OnMessage(Message(i + 1));
        }
        Assert.False(pair.WireB.IsClosed);
        Assert.Empty(pair.LogB.Warnings);
        Assert.Equal(arrivals.Length, pair.LogB.Added.Count);
    }

    [Fact]
    public void The_flood_rule_follows_the_monotonic_clock_not_the_wall_clock()
    {
        // The wall clock jumps an hour forward between messages (an NTP step) while only a second passes.
        var clock = new SteppedClock();
        var wire = new FakeExtensionWire(clock);
        wire.PeerExtensions.Add(ExtensionNames.UtPex);
        var pex = new UtPex(wire, null);
        for (int i = 1; i <= 7; i++)
        {
            pex.OnMessage(Message(i));
            clock.Step(elapsed: TimeSpan.FromSeconds(1), wallClockJump: TimeSpan.FromHours(1));
        }
        Assert.True(wire.IsClosed);
    }

    [Fact]
    public void The_window_and_the_count_are_options()
    {
        var pair = new Pair(new UtPexOptions { FloodWindow = TimeSpan.FromSeconds(10), MaxMessagesPerFloodWindow = 2 });
        pair.B.OnMessage(Message(1));
        pair.Time.Advance(TimeSpan.FromSeconds(5));
        pair.B.OnMessage(Message(2));
        pair.Time.Advance(TimeSpan.FromSeconds(5));
        pair.B.OnMessage(Message(3)); // the first left the window
        Assert.False(pair.WireB.IsClosed);
        pair.B.OnMessage(Message(4));
        Assert.True(pair.WireB.IsClosed);
    }

    [Fact]
    public void After_dispose_messages_are_ignored_and_nothing_is_sent()
    {
        var pair = new Pair();
        pair.A.AddPeer(V4(1));
        pair.A.Start();
        pair.A.Dispose();
        pair.A.Dispose();
        Assert.False(pair.A.IsStarted);
        pair.Time.Advance(Interval);
        Assert.Empty(pair.WireA.Sent);
        pair.A.OnMessage(Message(2));
        Assert.Empty(pair.LogA.Added);
        Assert.Throws<ObjectDisposedException>(() => pair.A.Start());
    }

    [Fact]
    public void Messages_a_minute_apart_are_accepted_even_when_the_first_was_undecodable()
    {
        var pair = new Pair();
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
        var pair = new Pair();
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
        var pair = new Pair(new UtPexOptions { MaxReceivedPeersPerMessage = 100 });
        var peers = Enumerable.Range(1, 5000).Select(i => new PexPeer(V4(i % 60000 + 1, 1 + i), PexFlags.None)).ToArray();
        pair.B.OnMessage(new PexMessage(peers, []).ToArray());
        Assert.Equal(100, pair.LogB.Added.Count);
        Assert.Contains(pair.LogB.Warnings, w => w.Contains("4900"));
    }

    [Fact]
    public void Remembers_a_bounded_number_of_received_peers()
    {
        var pair = new Pair(new UtPexOptions { MaxRememberedPeers = 10 });
        pair.B.OnMessage(new PexMessage(Enumerable.Range(1, 20).Select(i => new PexPeer(V4(i), PexFlags.None)).ToArray(), []).ToArray());
        pair.Time.Advance(TimeSpan.FromMinutes(1));
        // Peers 1..10 were forgotten (oldest first), so they are reported again; 11..20 are not.
        pair.B.OnMessage(new PexMessage(Enumerable.Range(11, 10).Concat(Enumerable.Range(1, 5)).Select(i => new PexPeer(V4(i), PexFlags.None)).ToArray(), []).ToArray());
        Assert.Equal(25, pair.LogB.Added.Count);
    }

    [Fact]
    public void Skips_our_own_address_port_zero_and_unspecified_addresses()
    {
        var pair = new Pair();
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
        var pair = new Pair();
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
