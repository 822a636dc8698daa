using System.Net;
using BitTorrent.Client;

namespace BitTorrent.Client.Tests.Choking;

public class AllowedFastSetTests
{
    private static readonly InfoHash AllAa = new(Enumerable.Repeat((byte)0xAA, 20).ToArray());

    [Fact]
    public void Matches_the_BEP_6_example_vectors()
    {
        var ip = IPAddress.Parse("80.4.4.200");
        Assert.Equal([1059, 431, 808, 1217, 287, 376, 1188], AllowedFastSet.Generate(ip, AllAa, 1313, 7));
        Assert.Equal([1059, 431, 808, 1217, 287, 376, 1188, 353, 508], AllowedFastSet.Generate(ip, AllAa, 1313, 9));
    }

    [Fact]
    public void Depends_on_the_slash_24_only_and_accepts_mapped_addresses()
    {
        var expected = AllowedFastSet.Generate(IPAddress.Parse("80.4.4.200"), AllAa, 1313, 7);
        Assert.Equal(expected, AllowedFastSet.Generate(IPAddress.Parse("80.4.4.1"), AllAa, 1313, 7));
        Assert.Equal(expected, AllowedFastSet.Generate(IPAddress.Parse("::ffff:80.4.4.7"), AllAa, 1313, 7));
        Assert.NotEqual(expected, AllowedFastSet.Generate(IPAddress.Parse("80.4.5.200"), AllAa, 1313, 7));
        Assert.Empty(AllowedFastSet.Generate(IPAddress.IPv6Loopback, AllAa, 1313, 7));
    }

    [Fact]
    public void Never_asks_for_more_pieces_than_the_torrent_has()
    {
        var set = AllowedFastSet.Generate(IPAddress.Loopback, AllAa, 5, 10);
        Assert.Equal([0, 1, 2, 3, 4], set.Order());
    }
}
