using System.Security.Cryptography;
using BitTorrent.Bencode;

namespace BitTorrent.Cli;

/// <summary>A single-file torrent over generated content: the bytes, the bencoded info dictionary and its hash.</summary>
internal sealed class DemoTorrent
{
    private DemoTorrent(string name, byte[] content, int pieceLength, byte[] pieceHashes, byte[] info)
    {
        Name = name;
        Content = content;
        PieceLength = pieceLength;
        PieceHashes = pieceHashes;
        Info = info;
        InfoHash = InfoHash.FromInfoDictionary(info);
    }

    public string Name { get; }
    public byte[] Content { get; }
    public int PieceLength { get; }
    public byte[] PieceHashes { get; }
    public byte[] Info { get; }
    public InfoHash InfoHash { get; }
    public int PieceCount => PieceHashes.Length / 20;

    /// <summary>Deterministic pseudo-random content of <paramref name="size"/> bytes, cut into pieces and hashed.</summary>
    public static DemoTorrent Generate(long size, int pieceLength, int seed)
    {
        var content = GC.AllocateUninitializedArray<byte>(checked((int)size));
        new Random(seed).NextBytes(content);
        int pieces = (int)((size + pieceLength - 1) / pieceLength);
        var hashes = new byte[pieces * 20];
        for (int i = 0; i < pieces; i++)
            SHA1.HashData(content.AsSpan(i * pieceLength, (int)Math.Min(pieceLength, size - (long)i * pieceLength)), hashes.AsSpan(i * 20, 20));
        string name = $"demo-{size / (1024 * 1024)}MiB-seed{seed}.bin";
        var info = new BDictionary
        {
            ["length"] = size,
            ["name"] = name,
            ["piece length"] = pieceLength,
            ["pieces"] = hashes,
        };
        return new DemoTorrent(name, content, pieceLength, hashes, info.Encode());
    }

    /// <summary>Reads what the downloader needs from an info dictionary fetched from a peer.</summary>
    public static (string Name, long Length, int PieceLength, byte[] PieceHashes) ParseInfo(ReadOnlyMemory<byte> info)
    {
        var dict = Bencode.Bencode.DecodeDictionary(info, BencodeOptions.Lenient);
        long length = dict.GetInteger("length") ?? throw new InvalidDataException("info has no length (multi-file torrents are not part of the demo)");
        long pieceLength = dict.GetInteger("piece length") ?? throw new InvalidDataException("info has no piece length");
        var pieces = dict.GetBytes("pieces") ?? throw new InvalidDataException("info has no pieces");
        if (pieceLength is <= 0 or > 64 * 1024 * 1024 || length < 0 || pieces.Length % 20 != 0 || pieces.Length / 20 != (length + pieceLength - 1) / pieceLength)
            throw new InvalidDataException("info dictionary is inconsistent");
        return (dict.GetText("name") ?? "unnamed", length, (int)pieceLength, pieces.ToArray());
    }
}
