using System.Buffers;
using System.Security.Cryptography;
using BitTorrent.Bencode;

namespace BitTorrent.Interop.Tests.Encryption;

/// <summary>A single-file torrent over deterministic in-memory content: the bytes, the piece hashes and the .torrent.</summary>
internal sealed class TestContent
{
    public TestContent(string name, int pieceLength, int length, int seed)
    {
        Name = name;
        PieceLength = pieceLength;
        Data = new byte[length];
        new Random(seed).NextBytes(Data);
        PieceCount = (length + pieceLength - 1) / pieceLength;
        PieceHashes = new byte[PieceCount * 20];
        for (var i = 0; i < PieceCount; i++) SHA1.HashData(Piece(i), PieceHashes.AsSpan(i * 20, 20));

        var info = new ArrayBufferWriter<byte>();
        var writer = new BencodeWriter(info);
        writer.WriteDictionaryStart();
        writer.WriteString("length");
        writer.WriteInteger(length);
        writer.WriteString("name");
        writer.WriteString(name);
        writer.WriteString("piece length");
        writer.WriteInteger(pieceLength);
        writer.WriteString("pieces");
        writer.WriteString(PieceHashes);
        writer.WriteEnd();
        InfoHash = InfoHash.FromInfoDictionary(info.WrittenSpan);

        var torrent = new ArrayBufferWriter<byte>();
        var outer = new BencodeWriter(torrent);
        outer.WriteDictionaryStart();
        outer.WriteString("info");
        outer.WriteRaw(info.WrittenSpan);
        outer.WriteEnd();
        Torrent = torrent.WrittenSpan.ToArray();
    }

    public string Name { get; }

    public int PieceLength { get; }

    public int PieceCount { get; }

    public byte[] Data { get; }

    public byte[] PieceHashes { get; }

    public InfoHash InfoHash { get; }

    /// <summary>The bencoded .torrent file (info only: every peer is given by address).</summary>
    public byte[] Torrent { get; }

    public ReadOnlySpan<byte> Piece(int index) =>
        Data.AsSpan(index * PieceLength, Math.Min(PieceLength, Data.Length - index * PieceLength));

    public bool PieceMatches(int index, ReadOnlySpan<byte> piece) =>
        SHA1.HashData(piece).AsSpan().SequenceEqual(PieceHashes.AsSpan(index * 20, 20));

    /// <summary>Writes the .torrent into <paramref name="folder"/> and returns its path.</summary>
    public string WriteTorrent(string folder)
    {
        var path = Path.Combine(folder, Name + ".torrent");
        File.WriteAllBytes(path, Torrent);
        return path;
    }
}
