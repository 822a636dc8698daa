namespace BitTorrent.Wire;

/// <summary>Bytes per second over a rolling window of 5 seconds in 100 ms slots, on an injected clock.</summary>
internal sealed class SpeedMeter(TimeProvider time)
{
    private const int Slots = 50;
    private static readonly TimeSpan SlotLength = TimeSpan.FromMilliseconds(100);
    private readonly long[] _slots = new long[Slots];
    private readonly object _gate = new();
    private long _currentSlot = long.MinValue;

    public void Add(long bytes)
    {
        lock (_gate)
        {
            Advance();
            _slots[(int)(_currentSlot % Slots)] += bytes;
        }
    }

    public double BytesPerSecond
    {
        get
        {
            lock (_gate)
            {
                Advance();
                long sum = 0;
                foreach (long slot in _slots) sum += slot;
                return sum / (Slots * SlotLength.TotalSeconds);
            }
        }
    }

    private void Advance()
    {
        long slot = (long)(time.GetElapsedTime(0, time.GetTimestamp()) / SlotLength);
        if (_currentSlot == long.MinValue) { _currentSlot = slot; return; }
        long steps = Math.Min(slot - _currentSlot, Slots);
        for (long i = 1; i <= steps; i++) _slots[(int)((_currentSlot + i) % Slots)] = 0;
        if (slot > _currentSlot) _currentSlot = slot;
    }
}
