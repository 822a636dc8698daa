namespace BitTorrent.Dht.RoutingTable;

/// <summary>One k-bucket: up to K live contacts plus a small replacement cache.</summary>
public sealed class KBucket
{
    internal KBucket(long nowTicks, int k, int replacements)
    {
        LastChangedTicks = nowTicks;
        Nodes = new List<DhtContact>(k);
        Replacements = new List<DhtContact>(replacements);
    }

    /// <summary>The contacts, least recently added first.</summary>
    public List<DhtContact> Nodes { get; }

    /// <summary>Candidates waiting for a slot, most recent last.</summary>
    public List<DhtContact> Replacements { get; }

    /// <summary>UTC ticks of the last time a contact was added or answered.</summary>
    public long LastChangedTicks { get; internal set; }

    internal int IndexOf(in NodeId id, List<DhtContact> list)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i].Id == id)
            {
                return i;
            }
        }
        return -1;
    }
}
