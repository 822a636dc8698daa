namespace BitTorrent.Trackers.Tests;

public class TrackerTiersTests
{
    private static Uri U(string s) => new(s);

    [Fact]
    public void Tiers_keep_their_order_drop_repeats_and_unsupported_schemes_and_shuffle_within_a_tier()
    {
        Uri[] first = [.. Enumerable.Range(0, 20).Select(i => U($"http://t{i}.test/announce"))];
        var tiers = new TrackerTiers([[.. first, U("wss://t.test/announce")], [U("udp://u.test:80"), first[0]], [U("magnet:?x")]], new Random(7));

        Assert.Equal(2, tiers.Count);
        Assert.Equal(first.OrderBy(u => u.AbsoluteUri), tiers[0].OrderBy(u => u.AbsoluteUri));
        Assert.NotEqual(first, tiers[0]);
        Assert.Equal([U("udp://u.test:80")], tiers[1]);
    }

    [Fact]
    public void Promote_moves_a_tracker_to_the_front_of_its_tier_only()
    {
        var tiers = new TrackerTiers([[U("http://a.test/announce"), U("http://b.test/announce"), U("http://c.test/announce")], [U("http://d.test/announce")]]);
        var last = tiers[0][2];
        Assert.True(tiers.Promote(last));
        Assert.Equal(last, tiers[0][0]);
        Assert.Equal(3, tiers[0].Count);
        Assert.Equal([U("http://d.test/announce")], tiers[1]);
        Assert.False(tiers.Promote(U("http://x.test/announce")));
    }
}
