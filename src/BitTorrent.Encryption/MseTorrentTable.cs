using System.Collections.Concurrent;

namespace BitTorrent.Encryption;

/// <summary>
/// The torrents a receiving side serves, indexed by HASH('req2', info hash), so that an incoming MSE handshake finds
/// its torrent from HASH('req2', SKEY) ⊕ HASH('req3', S) with one lookup whatever the number of torrents. Safe to
/// change while connections are being accepted.
/// </summary>
public sealed class MseTorrentTable
{
    // HASH('req2', info hash) is 20 bytes, so it is kept in an InfoHash value: equality and hashing of 20 bytes.
    private readonly ConcurrentDictionary<InfoHash, InfoHash> _byReq2 = new();

    /// <summary>An empty table.</summary>
    public MseTorrentTable()
    {
    }

    /// <summary>A table of <paramref name="infoHashes"/>.</summary>
    public MseTorrentTable(IEnumerable<InfoHash> infoHashes)
    {
        ArgumentNullException.ThrowIfNull(infoHashes);
        foreach (var infoHash in infoHashes) Add(infoHash);
    }

    /// <summary>The number of torrents.</summary>
    public int Count => _byReq2.Count;

    /// <summary>Serves <paramref name="infoHash"/>; false when it was already there.</summary>
    public bool Add(InfoHash infoHash) => _byReq2.TryAdd(Req2Key(infoHash), infoHash);

    /// <summary>Stops serving <paramref name="infoHash"/>; false when it was not there.</summary>
    public bool Remove(InfoHash infoHash) => _byReq2.TryRemove(Req2Key(infoHash), out _);

    /// <summary>The torrent whose HASH('req2', info hash) is <paramref name="req2"/> (20 bytes).</summary>
    internal bool TryFind(ReadOnlySpan<byte> req2, out InfoHash infoHash) => _byReq2.TryGetValue(new InfoHash(req2), out infoHash);

    private static InfoHash Req2Key(InfoHash infoHash)
    {
        Span<byte> key = stackalloc byte[MseKeys.HashLength];
        MseKeys.Req2(infoHash.Span, key);
        return new InfoHash(key);
    }
}
