using BitTorrent.Bencode;

namespace BitTorrent.Dht.Tests.Support;

/// <summary>Hostile KRPC queries for flood tests.</summary>
internal static class Flood
{
    /// <summary>One query by <paramref name="sequence"/>: announces (on <paramref name="port"/>) and puts of random targets
    /// (with the sender's <paramref name="token"/>), pings and find_nodes with random ids.</summary>
    public static byte[] Datagram(Random random, int sequence, byte[] token, int port = 6881)
    {
        var target = new byte[20];
        random.NextBytes(target);
        var id = new byte[20];
        random.NextBytes(id);
        var tid = new byte[] { (byte)(sequence >> 8), (byte)sequence };
        var (method, args) = (sequence % 4) switch
        {
            0 => ("announce_peer", new BDictionary { { "id", id }, { "info_hash", target }, { "port", port }, { "token", token } }),
            1 => ("put", new BDictionary { { "id", id }, { "token", token }, { "v", new BString(Convert.ToHexString(target)) } }),
            2 => ("ping", new BDictionary { { "id", id } }),
            _ => ("find_node", new BDictionary { { "id", id }, { "target", target } }),
        };
        return new BDictionary { { "a", args }, { "q", method }, { "t", tid }, { "y", "q" } }.Encode();
    }
}
