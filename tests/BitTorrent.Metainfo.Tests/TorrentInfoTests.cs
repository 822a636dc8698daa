using System.Security.Cryptography;
using System.Text;
using BitTorrent.Bencode;

namespace BitTorrent.Metainfo.Tests;

public class TorrentInfoTests
{
    [Fact]
    public void SingleFileTorrentHasItsFieldsAndTheInfoHashOfTheRawBytes()
    {
        var content = InfoBuilder.Content(100_000);
        var info = InfoBuilder.SingleFile("movie.mkv", content.Length, 32768);
        info["pieces"] = InfoBuilder.Hashes(content, 32768);
        info["private"] = 1;
        var data = InfoBuilder.Torrent(info, root => root["announce"] = "http://127.0.0.1:6969/announce");

        var torrent = Torrent.Parse(data);

        var rawInfo = info.Encode();
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(rawInfo)), torrent.Info.InfoHash.ToString());
        Assert.Equal(rawInfo, torrent.Info.RawInfo.ToArray());
        Assert.Equal("movie.mkv", torrent.Info.Name);
        Assert.False(torrent.Info.IsMultiFile);
        Assert.True(torrent.Info.IsPrivate);
        Assert.Equal(4, torrent.Info.PieceCount);
        Assert.Equal(100_000, torrent.Info.TotalLength);
        Assert.Equal(100_000 - 3 * 32768, torrent.Info.GetPieceSize(3));
        Assert.Equal(32768, torrent.Info.GetPieceSize(0));
        Assert.Equal(SHA1.HashData(content.AsSpan(32768, 32768)), torrent.Info.GetPieceHash(1).ToArray());
        Assert.Equal(new TorrentFile("movie.mkv", 0, 100_000, false), Assert.Single(torrent.Info.Files));
        Assert.Equal([["http://127.0.0.1:6969/announce"]], torrent.AnnounceTiers);
        Assert.Throws<ArgumentOutOfRangeException>(() => torrent.Info.GetPieceSize(4));
    }

    [Fact]
    public void InfoHashCoversTheExactBytesEvenWhenTheyAreNotCanonical()
    {
        // Keys out of order: a canonical re-encoding would change the hash.
        var raw = "d6:lengthi5e4:name1:a6:pieces20:aaaaaaaaaaaaaaaaaaaa12:piece lengthi16384ee"u8.ToArray();
        var data = Encoding.ASCII.GetBytes("d4:info").Concat(raw).Concat("e"u8.ToArray()).ToArray();

        var torrent = Torrent.Parse(data);

        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(raw)), torrent.Info.InfoHash.ToString());
        Assert.Equal(torrent.Info.InfoHash, TorrentInfo.Parse(raw).InfoHash);
        var again = Torrent.Parse(torrent.Encode());
        Assert.Equal(raw, again.Info.RawInfo.ToArray());
    }

    [Fact]
    public void MultiFileLayoutKeepsEmptyAndSmallFilesAndPiecesSpanFiles()
    {
        var info = InfoBuilder.MultiFile("album", 16384, ("a.bin", 20000), ("empty.txt", 0), ("sub/small.txt", 100), ("sub/b.bin", 30000));

        var parsed = TorrentInfo.Parse(info.Encode());

        Assert.True(parsed.IsMultiFile);
        Assert.Equal(
            [
                new TorrentFile("album/a.bin", 0, 20000, false),
                new TorrentFile("album/empty.txt", 20000, 0, false),
                new TorrentFile("album/sub/small.txt", 20000, 100, false),
                new TorrentFile("album/sub/b.bin", 20100, 30000, false),
            ],
            parsed.Files);
        Assert.Equal(["album", "sub", "small.txt"], parsed.Files[2].Components);
        Assert.Equal(50100, parsed.TotalLength);
        Assert.Equal(4, parsed.PieceCount);
        Assert.Equal(50100 - 3 * 16384, parsed.GetPieceSize(3));
        Assert.Equal(0, parsed.FindFile(16383));
        Assert.Equal(2, parsed.FindFile(20000)); // the empty file at the same offset holds no byte
        Assert.Equal(3, parsed.FindFile(20100));
        Assert.Equal((1, 1), parsed.GetPieceRange(2));
        Assert.Equal((1, 3), parsed.GetPieceRange(3));
        Assert.Equal((0, 0), parsed.GetPieceRange(1));
    }

    [Fact]
    public void PadFilesAreMarkedAndMayShareTheirPath()
    {
        var info = InfoBuilder.MultiFile("padded", 16384);
        info["files"] = new BList
        {
            InfoBuilder.File("a.bin", 1000),
            InfoBuilder.File(".pad/15384", 15384, attr: "p"),
            InfoBuilder.File("b.bin", 1000),
            InfoBuilder.File(".pad/15384", 15384, attr: "p"),
            InfoBuilder.File("_____padding_file_0", 10),
        };
        info["pieces"] = new byte[3 * 20];

        var parsed = TorrentInfo.Parse(info.Encode());

        Assert.Equal([false, true, false, true, true], parsed.Files.Select(f => f.IsPadding));
        Assert.Equal(16384, parsed.Files[2].Offset);
        Assert.Equal(2 * 16384 + 10, parsed.TotalLength);
    }

    [Fact]
    public void Utf8VariantsOfNameAndPathArePreferred()
    {
        var info = InfoBuilder.MultiFile("x", 16384, ("y", 10));
        info["name.utf-8"] = "Musique é";
        ((BDictionary)((BList)info["files"])[0])["path.utf-8"] = new BList { "chanson é.flac" };

        var parsed = TorrentInfo.Parse(info.Encode());

        Assert.Equal("Musique é", parsed.Name);
        Assert.Equal("Musique é/chanson é.flac", parsed.Files[0].Path);
    }

    [Fact]
    public void HybridV2TorrentIsReadAsV1AndV2OnlyIsRefused()
    {
        var hybrid = InfoBuilder.SingleFile("f", 10, 16384);
        hybrid["meta version"] = 2;
        Assert.Equal(10, TorrentInfo.Parse(hybrid.Encode()).TotalLength);

        hybrid.Remove("pieces");
        var e = Assert.Throws<MetainfoException>(() => TorrentInfo.Parse(hybrid.Encode()));
        Assert.Equal(MetainfoError.UnsupportedVersion, e.Error);
    }
}
