using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Wire.Tests;

/// <summary>Handshake, inactivity and close timeouts run on the injected clock.</summary>
public class TimeoutTests
{
    [Fact]
    public async Task A_peer_that_never_completes_its_handshake_is_closed_after_the_handshake_timeout()
    {
        var time = new FakeTimeProvider();
        await using var raw = new RawPeer(new WireOptions { TimeProvider = time });
        var closed = TestIds.Next<WireClosedEventArgs>(h => raw.Wire.Closed += h);
        raw.Wire.Start();
        await raw.SendHexAsync("13426974546f7272656e74"); // 9 bytes of a handshake, then silence
        time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.False(raw.Wire.IsClosed);
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(WireCloseReason.HandshakeTimeout, (await closed.Within()).Reason);
    }

    [Fact]
    public async Task A_silent_peer_is_closed_after_the_inactivity_timeout_and_any_message_restarts_it()
    {
        var time = new FakeTimeProvider();
        await using var raw = new RawPeer(new WireOptions { TimeProvider = time });
        var closed = TestIds.Next<WireClosedEventArgs>(h => raw.Wire.Closed += h);
        await raw.HandshakeAsync();
        time.Advance(TimeSpan.FromSeconds(119));
        var keepAlive = TestIds.Next(h => raw.Wire.KeepAliveReceived += h);
        await raw.SendHexAsync("00000000");
        await keepAlive.Within();
        time.Advance(TimeSpan.FromSeconds(119));
        Assert.False(raw.Wire.IsClosed); // the timer fired at 120 s, saw the keep-alive and re-armed
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(WireCloseReason.Inactive, (await closed.Within()).Reason);
    }

    [Fact]
    public async Task Without_an_inactivity_timeout_a_silent_peer_stays()
    {
        var time = new FakeTimeProvider();
        await using var raw = new RawPeer(new WireOptions { TimeProvider = time, InactivityTimeout = null });
        await raw.HandshakeAsync();
        time.Advance(TimeSpan.FromHours(1)); // fake timers fire inside Advance
        Assert.False(raw.Wire.IsClosed);
    }

    [Fact]
    public async Task A_graceful_end_towards_a_peer_that_does_not_read_gives_up_after_the_close_timeout()
    {
        var time = new FakeTimeProvider();
        await using var raw = new RawPeer(new WireOptions { TimeProvider = time, CloseTimeout = TimeSpan.FromHours(1) });
        await raw.HandshakeAsync();
        raw.Wire.Bitfield(new byte[100_000]); // more than the unread pipe takes: the send loop blocks
        raw.Wire.End();
        Assert.False(raw.Wire.Completion.IsCompleted);
        time.Advance(TimeSpan.FromHours(1));
        // The hour passed on the fake clock only: the wire gives up at once, not on the system clock.
        await raw.Wire.Completion.WaitAsync(TimeSpan.FromSeconds(4));
    }
}
