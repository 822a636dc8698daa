namespace BitTorrent.Wire;

/// <summary>The handshake and inactivity timeouts, on the wire's <see cref="TimeProvider"/> with monotonic timestamps.</summary>
public sealed partial class Wire
{
    private ITimer? _handshakeTimer;
    private ITimer? _inactivityTimer;
    private long _lastReceived;

    /// <summary>Arms the timeouts the options ask for. Called once from <see cref="Start"/>.</summary>
    private void StartTimeouts()
    {
        _lastReceived = TimeProvider.GetTimestamp();
        lock (_gate)
        {
            if (_closed) return;
            if (_options.HandshakeTimeout is { } handshake)
                _handshakeTimer = TimeProvider.CreateTimer(static s => ((Wire)s!).OnHandshakeTimer(), this, handshake, Timeout.InfiniteTimeSpan);
            if (_options.InactivityTimeout is { } inactivity)
                _inactivityTimer = TimeProvider.CreateTimer(static s => ((Wire)s!).OnInactivityTimer(), this, inactivity, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Bytes arrived from the peer. Called by the read loop.</summary>
    private void MarkReceived() => Volatile.Write(ref _lastReceived, TimeProvider.GetTimestamp());

    /// <summary>The peer's handshake arrived: its timeout no longer applies. Caller holds the lock.</summary>
    private void StopHandshakeTimer()
    {
        _handshakeTimer?.Dispose();
        _handshakeTimer = null;
    }

    /// <summary>Releases the timeout timers. Caller holds the lock.</summary>
    private void StopTimeouts()
    {
        StopHandshakeTimer();
        _inactivityTimer?.Dispose();
        _inactivityTimer = null;
    }

    private void OnHandshakeTimer()
    {
        lock (_gate) if (_peerHandshakeReceived || _closed) return;
        Close(WireCloseReason.HandshakeTimeout, $"no handshake within {_options.HandshakeTimeout}", null);
    }

    private void OnInactivityTimer()
    {
        var limit = _options.InactivityTimeout!.Value;
        var idle = TimeProvider.GetElapsedTime(Volatile.Read(ref _lastReceived));
        if (idle < limit)
        {
            lock (_gate) _inactivityTimer?.Change(limit - idle, Timeout.InfiniteTimeSpan);
            return;
        }
        Close(WireCloseReason.Inactive, $"nothing received for {idle}", null);
    }
}
