using BitTorrent.Bencode;

namespace BitTorrent.Metainfo.Tests;

/// <summary>Mutated torrents either parse or fail with a <see cref="MetainfoException"/>: never another exception.</summary>
public class FuzzTests
{
    [Fact]
    public void MutatedTorrentsParseOrFailWithATypedError()
    {
        var info = InfoBuilder.MultiFile("album", 16384, ("a.bin", 20000), ("empty", 0), ("sub/b.bin", 30000));
        ((BList)info["files"]).Add(InfoBuilder.File(".pad/100", 100, attr: "p"));
        info["pieces"] = new byte[4 * 20];
        var valid = InfoBuilder.Torrent(info, root =>
        {
            root["announce-list"] = new BList { new BList { "http://a/" } };
            root["url-list"] = "http://s/";
            root["creation date"] = 1;
        });
        var random = new Random(1234);
        int parsed = 0;
        for (int round = 0; round < 5_000; round++)
        {
            var data = (byte[])valid.Clone();
            int edits = random.Next(1, 4);
            for (int e = 0; e < edits; e++)
            {
                int at = random.Next(data.Length);
                data[at] = random.Next(3) switch
                {
                    0 => (byte)random.Next(256),
                    1 => (byte)"0123456789:eild-."[random.Next(17)],
                    _ => (byte)(data[at] ^ 1),
                };
            }
            if (random.Next(4) == 0) data = data[..random.Next(data.Length)];
            try
            {
                var torrent = Torrent.Parse(data);
                Assert.Equal(torrent.Info.InfoHash, TorrentInfo.Parse(torrent.Info.RawInfo.Span).InfoHash);
                parsed++;
            }
            catch (MetainfoException)
            {
            }
        }
        Assert.InRange(parsed, 1, 4_999); // both outcomes happen
    }
}
