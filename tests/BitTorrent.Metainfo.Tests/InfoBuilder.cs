using System.Security.Cryptography;
using BitTorrent.Bencode;

namespace BitTorrent.Metainfo.Tests;

/// <summary>Builds info dictionaries (and their content) for tests.</summary>
internal static class InfoBuilder
{
    /// <summary>Deterministic content of <paramref name="length"/> bytes.</summary>
    public static byte[] Content(long length, int seed = 1)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>The concatenated SHA-1s of <paramref name="content"/> in pieces of <paramref name="pieceLength"/>.</summary>
    public static byte[] Hashes(ReadOnlySpan<byte> content, int pieceLength)
    {
        int count = (content.Length + pieceLength - 1) / pieceLength;
        var hashes = new byte[count * 20];
        for (int i = 0; i < count; i++)
        {
            int start = i * pieceLength;
            SHA1.HashData(content[start..Math.Min(content.Length, start + pieceLength)], hashes.AsSpan(i * 20));
        }
        return hashes;
    }

    public static BDictionary SingleFile(string name, long length, int pieceLength) => new()
    {
        ["name"] = name,
        ["length"] = length,
        ["piece length"] = pieceLength,
        ["pieces"] = new byte[(int)((length + pieceLength - 1) / pieceLength) * 20],
    };

    public static BDictionary MultiFile(string name, int pieceLength, params (string Path, long Length)[] files)
    {
        long total = files.Sum(f => f.Length);
        return new BDictionary
        {
            ["name"] = name,
            ["piece length"] = pieceLength,
            ["pieces"] = new byte[(int)((total + pieceLength - 1) / pieceLength) * 20],
            ["files"] = new BList(files.Select(f => (BValue)File(f.Path, f.Length))),
        };
    }

    public static BDictionary File(string path, long length, string? attr = null)
    {
        var entry = new BDictionary
        {
            ["length"] = length,
            ["path"] = new BList(path.Split('/').Select(c => (BValue)c)),
        };
        if (attr is not null) entry["attr"] = attr;
        return entry;
    }

    public static BDictionary FileWithComponents(long length, params string[] components) => new()
    {
        ["length"] = length,
        ["path"] = new BList(components.Select(c => (BValue)c)),
    };

    public static byte[] Torrent(BDictionary info, Action<BDictionary>? extra = null)
    {
        var root = new BDictionary { ["info"] = info };
        extra?.Invoke(root);
        return root.Encode();
    }
}
