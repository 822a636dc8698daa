using System.Security.Cryptography;
using BitTorrent.Bencode;
using BitTorrent.Metainfo;

namespace BitTorrent.Client.Tests.Simulation;

/// <summary>
/// A torrent whose bytes are a pure function of their offset (SplitMix64 of the seed and the 8-byte word), so every
/// simulated peer can serve and check any block without holding the content: a swarm of tens of MiB costs no memory.
/// </summary>
internal sealed class SimulatedContent
{
    private readonly ulong _seed;

    private SimulatedContent(Torrent torrent, ulong seed)
    {
        Torrent = torrent;
        _seed = seed;
    }

    /// <summary>The torrent (no trackers).</summary>
    public Torrent Torrent { get; }

    /// <summary>Its info dictionary.</summary>
    public TorrentInfo Info => Torrent.Info;

    /// <summary>Hashes the content of files of <paramref name="fileLengths"/> (one file: a single-file torrent).</summary>
    public static SimulatedContent Create(long[] fileLengths, int pieceLength, int seed = 1, bool isPrivate = false)
    {
        long total = fileLengths.Sum();
        int pieces = (int)((total + pieceLength - 1) / pieceLength);
        var content = new SimulatedContent(null!, (ulong)seed);
        var hashes = new byte[pieces * 20];
        var buffer = new byte[pieceLength];
        for (int p = 0; p < pieces; p++)
        {
            int size = (int)Math.Min(pieceLength, total - (long)p * pieceLength);
            content.Fill((long)p * pieceLength, buffer.AsSpan(0, size));
            SHA1.HashData(buffer.AsSpan(0, size), hashes.AsSpan(p * 20, 20));
        }
        var info = new BDictionary
        {
            ["name"] = "content",
            ["piece length"] = pieceLength,
            ["pieces"] = hashes,
        };
        if (isPrivate) info["private"] = 1;
        if (fileLengths.Length == 1) info["length"] = total;
        else
            info["files"] = new BList(fileLengths.Select((length, i) => (BValue)new BDictionary
            {
                ["length"] = length,
                ["path"] = new BList([(BValue)$"file{i}.bin"]),
            }));
        return new SimulatedContent(new Torrent(TorrentInfo.Parse(info.Encode())), (ulong)seed);
    }

    /// <summary>Writes the content from <paramref name="offset"/> into <paramref name="destination"/>.</summary>
    public void Fill(long offset, Span<byte> destination)
    {
        int i = 0;
        while (i < destination.Length)
        {
            long at = offset + i;
            ulong word = Word(at >> 3);
            for (int shift = (int)(at & 7); shift < 8 && i < destination.Length; shift++, i++) destination[i] = (byte)(word >> (shift * 8));
        }
    }

    /// <summary>True when <paramref name="data"/> is the content at <paramref name="offset"/>.</summary>
    public bool Matches(long offset, ReadOnlySpan<byte> data)
    {
        Span<byte> expected = stackalloc byte[4096];
        for (int done = 0; done < data.Length; done += expected.Length)
        {
            var chunk = data.Slice(done, Math.Min(expected.Length, data.Length - done));
            Fill(offset + done, expected[..chunk.Length]);
            if (!chunk.SequenceEqual(expected[..chunk.Length])) return false;
        }
        return true;
    }

    private ulong Word(long index)
    {
        ulong z = _seed * 0x9E3779B97F4A7C15UL + (ulong)index * 0xBF58476D1CE4E5B9UL + 0x94D049BB133111EBUL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
