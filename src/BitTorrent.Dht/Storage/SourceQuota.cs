namespace BitTorrent.Dht.Storage;

/// <summary>Counts the entries each sender (<see cref="NodeEndPoint.SourceKey"/>) holds in a store, up to a limit.</summary>
internal sealed class SourceQuota(int limit)
{
    private readonly Dictionary<UInt128, int> _held = [];

    /// <summary>Takes one entry for <paramref name="source"/>; false when it already holds the limit.</summary>
    public bool TryTake(UInt128 source)
    {
        int held = _held.GetValueOrDefault(source);
        if (held >= limit)
        {
            return false;
        }
        _held[source] = held + 1;
        return true;
    }

    /// <summary>Gives back one entry of <paramref name="source"/>.</summary>
    public void Release(UInt128 source)
    {
        if (_held.TryGetValue(source, out int held))
        {
            if (held <= 1) _held.Remove(source);
            else _held[source] = held - 1;
        }
    }

    /// <summary>Returns memory after a burst of senders.</summary>
    public void TrimExcess() => _held.TrimExcess();

    /// <summary>Forgets every count.</summary>
    public void Clear() => _held.Clear();
}
