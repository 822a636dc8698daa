using BitTorrent.Bencode;

namespace BitTorrent.Metainfo.Tests;

public class TorrentTests
{
    [Fact]
    public void AnnounceListTakesPrecedenceAndUrlListIsKept()
    {
        var data = InfoBuilder.Torrent(InfoBuilder.SingleFile("f", 10, 16384), root =>
        {
            root["announce"] = "http://ignored/announce";
            root["announce-list"] = new BList { new BList { "http://a/1", "udp://b:80" }, new BList(), new BList { "http://c/3", 5 } };
            root["url-list"] = new BList { "http://seed/", "" };
            root["creation date"] = 1_700_000_000;
            root["comment"] = "hello";
            root["created by"] = "tests";
        });

        var torrent = Torrent.Parse(data);

        Assert.Equal([["http://a/1", "udp://b:80"], ["http://c/3"]], torrent.AnnounceTiers);
        Assert.Equal(["http://seed/"], torrent.UrlList);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), torrent.CreationDate);
        Assert.Equal("hello", torrent.Comment);
        Assert.Equal("tests", torrent.CreatedBy);
    }

    [Fact]
    public void SingleUrlListStringIsOneWebSeed()
    {
        var torrent = Torrent.Parse(InfoBuilder.Torrent(InfoBuilder.SingleFile("f", 10, 16384), root => root["url-list"] = "http://seed/f"));
        Assert.Equal(["http://seed/f"], torrent.UrlList);
        Assert.Empty(torrent.AnnounceTiers);
    }

    [Fact]
    public void EncodeRoundTripsEveryField()
    {
        var info = TorrentInfo.Parse(InfoBuilder.SingleFile("f", 10, 16384).Encode());
        var torrent = new Torrent(info, [["http://a/"], ["http://b/", "http://c/"]], ["http://seed/"],
            DateTimeOffset.FromUnixTimeSeconds(1_600_000_000), "comment", "creator");

        var again = Torrent.Parse(torrent.Encode());

        Assert.Equal(torrent.AnnounceTiers, again.AnnounceTiers);
        Assert.Equal(torrent.UrlList, again.UrlList);
        Assert.Equal(torrent.CreationDate, again.CreationDate);
        Assert.Equal("comment", again.Comment);
        Assert.Equal("creator", again.CreatedBy);
        Assert.Equal(info.InfoHash, again.Info.InfoHash);
        var root = Bencode.Bencode.DecodeDictionary(torrent.Encode(), BencodeOptions.Strict);
        Assert.Equal("http://a/", root.GetText("announce"));
    }

    [Fact]
    public void MagnetLinkCarriesHashNameTrackersAndWebSeeds()
    {
        var info = TorrentInfo.Parse(InfoBuilder.SingleFile("my file", 10, 16384).Encode());
        var torrent = new Torrent(info, [["http://t/a?x=1"]], ["http://s/"]);

        Assert.Equal($"magnet:?xt=urn:btih:{info.InfoHash}&dn=my%20file&tr=http%3A%2F%2Ft%2Fa%3Fx%3D1&ws=http%3A%2F%2Fs%2F",
            torrent.ToMagnetLink());
    }

    [Fact]
    public void LoadRefusesOversizedFilesBeforeReadingThem()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, InfoBuilder.Torrent(InfoBuilder.SingleFile("f", 10, 16384)));
            Assert.Equal(10, Torrent.Load(path).Info.TotalLength);
            var e = Assert.Throws<MetainfoException>(() => Torrent.Load(path, new MetainfoLimits { MaxTorrentSize = 16 }));
            Assert.Equal(MetainfoError.TooLarge, e.Error);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
