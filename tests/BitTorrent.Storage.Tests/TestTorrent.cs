using System.Security.Cryptography;
using BitTorrent.Bencode;
using BitTorrent.Metainfo;

namespace BitTorrent.Storage.Tests;

/// <summary>A torrent built in memory from known content, with helpers to slice that content into pieces.</summary>
internal sealed class TestTorrent
{
    private TestTorrent(TorrentInfo info, byte[] content)
    {
        Info = info;
        Content = content;
    }

    public TorrentInfo Info { get; }

    /// <summary>The whole torrent byte stream (pad files as zeros).</summary>
    public byte[] Content { get; }

    public ReadOnlyMemory<byte> Piece(int piece) =>
        Content.AsMemory(piece * Info.PieceLength, Info.GetPieceSize(piece));

    public ReadOnlySpan<byte> FileContent(int file) =>
        Content.AsSpan((int)Info.Files[file].Offset, (int)Info.Files[file].Length);

    /// <summary>A multi-file torrent; a file named with a <c>pad:</c> prefix is a BEP 47 pad file.</summary>
    public static TestTorrent Create(int pieceLength, params (string Path, int Length)[] files)
    {
        var random = new Random(42);
        var content = new byte[files.Sum(f => f.Length)];
        var list = new BList();
        int offset = 0;
        foreach (var (path, length) in files)
        {
            bool pad = path.StartsWith("pad:", StringComparison.Ordinal);
            if (!pad) random.NextBytes(content.AsSpan(offset, length));
            var entry = new BDictionary
            {
                ["length"] = length,
                ["path"] = new BList((pad ? path[4..] : path).Split('/').Select(c => (BValue)c)),
            };
            if (pad) entry["attr"] = "p";
            list.Add(entry);
            offset += length;
        }
        var info = new BDictionary
        {
            ["name"] = "t",
            ["piece length"] = pieceLength,
            ["pieces"] = Hashes(content, pieceLength),
            ["files"] = list,
        };
        return new TestTorrent(TorrentInfo.Parse(info.Encode()), content);
    }

    /// <summary>A single-file torrent of <paramref name="length"/> random bytes.</summary>
    public static TestTorrent Single(int pieceLength, int length)
    {
        var content = new byte[length];
        new Random(7).NextBytes(content);
        var info = new BDictionary
        {
            ["name"] = "single.bin",
            ["piece length"] = pieceLength,
            ["pieces"] = Hashes(content, pieceLength),
            ["length"] = length,
        };
        return new TestTorrent(TorrentInfo.Parse(info.Encode()), content);
    }

    public async Task WriteAllAsync(TorrentStorage storage)
    {
        for (int piece = 0; piece < Info.PieceCount; piece++) await storage.WritePieceAsync(piece, Piece(piece));
    }

    private static byte[] Hashes(byte[] content, int pieceLength)
    {
        int count = (content.Length + pieceLength - 1) / pieceLength;
        var hashes = new byte[count * 20];
        for (int i = 0; i < count; i++)
            SHA1.HashData(content.AsSpan(i * pieceLength, Math.Min(pieceLength, content.Length - i * pieceLength)), hashes.AsSpan(i * 20));
        return hashes;
    }
}
