using System.Net;

namespace BitTorrent.Extensions.Tests;

/// <summary>The ut_pex receive-rate rule (more than six messages within 60 s close the wire, on monotonic time) and disposal.</summary>
public class UtPexFloodTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(65);

    private static IPEndPoint V4(int i) => PexPair.V4(i);

    private static byte[] Message(int peer) => new PexMessage([new PexPeer(V4(peer), PexFlags.None)], []).ToArray();

    [Fact]
    public void A_seventh_message_within_a_minute_closes_the_wire_with_a_reason()
    {
        var pair = new PexPair();
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
        var pair = new PexPair();
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
        var pair = new PexPair();
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
        var pair = new PexPair(new UtPexOptions { FloodWindow = TimeSpan.FromSeconds(10), MaxMessagesPerFloodWindow = 2 });
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
        var pair = new PexPair();
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
}
