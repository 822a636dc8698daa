using System.Net;
using System.Numerics;
using BitTorrent.Dht.RoutingTable;

namespace BitTorrent.Dht.Tests;

public class RoutingTableTests
{
    private static readonly long T0 = new DateTime(2026, 1, 1).Ticks;

    private static NodeId Id(params byte[] prefix)
    {
        var bytes = new byte[20];
        prefix.CopyTo(bytes, 0);
        return new NodeId(bytes);
    }

    private static NodeEndPoint Ep(int i) => NodeEndPoint.From(new IPEndPoint(IPAddress.Parse($"20.{i / 250}.{i % 250}.1"), 6881));

    private static BigInteger Distance(NodeId a, NodeId b) => new((a ^ b).ToArray(), isUnsigned: true, isBigEndian: true);

    [Fact]
    public void The_bucket_holding_our_id_splits_and_far_buckets_do_not()
    {
        var table = new DhtRoutingTable(Id(0x00), k: 4, nowTicks: T0);
        // Four far nodes (first bit 1) fill the single bucket.
        for (int i = 0; i < 4; i++)
            Assert.Equal(RoutingTableInsertResult.Added, table.TryAdd(Id(0x80, (byte)i), Ep(i), T0, true, true, out _));
        Assert.Single(table.Buckets);
        // A near node forces a split: far nodes move to bucket 0, near ones to bucket 1.
        Assert.Equal(RoutingTableInsertResult.Added, table.TryAdd(Id(0x40), Ep(10), T0, true, true, out _));
        Assert.Equal(2, table.Buckets.Count);
        Assert.Equal(4, table.Buckets[0].Nodes.Count);
        Assert.Single(table.Buckets[1].Nodes);
        // Bucket 0 (far) is full and does not split: a fifth far node waits as a replacement.
        Assert.Equal(RoutingTableInsertResult.Replacement, table.TryAdd(Id(0x90), Ep(11), T0, true, true, out _));
        Assert.Equal(2, table.Buckets.Count);
        Assert.Equal(5, table.Count);
        Assert.Single(table.Buckets[0].Replacements);
    }

    [Fact]
    public void Closest_is_exact_on_160_bits()
    {
        var table = new DhtRoutingTable(Id(0xff), k: 20, nowTicks: T0);
        var random = new Random(11);
        var ids = new List<NodeId>();
        // Ids that differ only in their last bytes: a double-based distance cannot order these.
        for (int i = 0; i < 60; i++)
        {
            var bytes = new byte[20];
            bytes[0] = 0x12;
            random.NextBytes(bytes.AsSpan(12));
            var id = new NodeId(bytes);
            if (table.TryAdd(id, Ep(i), T0, true, true, out _) == RoutingTableInsertResult.Added) ids.Add(id);
        }
        var targetBytes = new byte[20];
        targetBytes[0] = 0x12;
        random.NextBytes(targetBytes.AsSpan(12));
        var target = new NodeId(targetBytes);
        var closest = new DhtContact?[8];
        int n = table.FindClosest(target, closest);
        Assert.Equal(8, n);
        var expected = ids.OrderBy(id => Distance(id, target)).Take(8).ToList();
        Assert.Equal(expected, closest.Select(c => c!.Id).ToList());
    }

    [Fact]
    public void Closest_matches_brute_force_on_a_large_table()
    {
        var random = new Random(12);
        var table = new DhtRoutingTable(NodeId.CreateRandom(random), k: 20, nowTicks: T0);
        for (int i = 0; i < 5000; i++) table.TryAdd(NodeId.CreateRandom(random), Ep(i), T0, true, true, out _);
        var all = table.Contacts().Select(c => c.Id).ToList();
        for (int round = 0; round < 20; round++)
        {
            var target = NodeId.CreateRandom(random);
            var closest = new DhtContact?[20];
            int n = table.FindClosest(target, closest);
            Assert.Equal(all.OrderBy(id => Distance(id, target)).Take(20), closest.Take(n).Select(c => c!.Id));
        }
    }

    [Fact]
    public void Liveness_moves_from_good_to_questionable_to_bad()
    {
        var table = new DhtRoutingTable(Id(0x00), k: 8, nowTicks: T0);
        table.TryAdd(Id(0x80), Ep(1), T0, responded: true, isVerified: true, out _);
        var contact = table.Find(Id(0x80))!;
        Assert.Equal(ContactState.Good, contact.GetState(T0 + TimeSpan.FromMinutes(14).Ticks, DhtRoutingTable.GoodFor));
        Assert.Equal(ContactState.Questionable, contact.GetState(T0 + TimeSpan.FromMinutes(16).Ticks, DhtRoutingTable.GoodFor));
        table.RecordFailure(Id(0x80));
        table.RecordFailure(Id(0x80));
        Assert.Equal(ContactState.Bad, contact.GetState(T0, DhtRoutingTable.GoodFor));
        // An answer makes it good again.
        table.TryAdd(Id(0x80), Ep(1), T0 + 1, responded: true, isVerified: true, out _);
        Assert.Equal(ContactState.Good, contact.GetState(T0 + 2, DhtRoutingTable.GoodFor));
    }

    [Fact]
    public void Bad_contacts_are_replaced_from_the_replacement_cache()
    {
        var table = new DhtRoutingTable(Id(0x00), k: 2, nowTicks: T0);
        table.TryAdd(Id(0x40), Ep(0), T0, true, true, out _); // forces a near bucket eventually
        table.TryAdd(Id(0x80, 1), Ep(1), T0, true, true, out _);
        table.TryAdd(Id(0x80, 2), Ep(2), T0, true, true, out _);
        Assert.Equal(2, table.Buckets.Count);
        var result = table.TryAdd(Id(0x80, 3), Ep(3), T0 + TimeSpan.FromMinutes(20).Ticks, true, true, out var ping);
        Assert.Equal(RoutingTableInsertResult.Replacement, result);
        Assert.NotNull(ping); // everyone is questionable after 20 minutes: ping the oldest
        Assert.True(table.RecordFailure(ping!.Id) || table.RecordFailure(ping.Id));
        Assert.Null(table.Find(ping.Id));
        Assert.NotNull(table.Find(Id(0x80, 3)));
    }

    [Fact]
    public void A_bad_contact_makes_room_directly()
    {
        var table = new DhtRoutingTable(Id(0x00), k: 2, nowTicks: T0);
        table.TryAdd(Id(0x40), Ep(0), T0, true, true, out _);
        table.TryAdd(Id(0x80, 1), Ep(1), T0, true, true, out _);
        table.TryAdd(Id(0x80, 2), Ep(2), T0, true, true, out _);
        table.RecordFailure(Id(0x80, 1));
        table.RecordFailure(Id(0x80, 1));
        Assert.Equal(RoutingTableInsertResult.Added, table.TryAdd(Id(0x80, 3), Ep(3), T0, true, true, out _));
        Assert.Null(table.Find(Id(0x80, 1)));
    }

    [Fact]
    public void One_node_per_slash24_per_bucket_but_loopback_is_exempt()
    {
        var table = new DhtRoutingTable(Id(0x00), k: 8, nowTicks: T0);
        var a = NodeEndPoint.From(new IPEndPoint(IPAddress.Parse("30.1.2.3"), 1));
        var b = NodeEndPoint.From(new IPEndPoint(IPAddress.Parse("30.1.2.99"), 2));
        Assert.Equal(RoutingTableInsertResult.Added, table.TryAdd(Id(0x80, 1), a, T0, true, true, out _));
        Assert.Equal(RoutingTableInsertResult.Rejected, table.TryAdd(Id(0x80, 2), b, T0, true, true, out _));
        var l1 = NodeEndPoint.From(new IPEndPoint(IPAddress.Loopback, 1));
        var l2 = NodeEndPoint.From(new IPEndPoint(IPAddress.Loopback, 2));
        Assert.Equal(RoutingTableInsertResult.Added, table.TryAdd(Id(0x80, 3), l1, T0, true, true, out _));
        Assert.Equal(RoutingTableInsertResult.Added, table.TryAdd(Id(0x80, 4), l2, T0, true, true, out _));
        var v6a = NodeEndPoint.From(new IPEndPoint(IPAddress.Parse("2001:db8:1:2::1"), 1));
        var v6b = NodeEndPoint.From(new IPEndPoint(IPAddress.Parse("2001:db8:1:2::2"), 1));
        Assert.Equal(RoutingTableInsertResult.Added, table.TryAdd(Id(0x80, 5), v6a, T0, true, true, out _));
        Assert.Equal(RoutingTableInsertResult.Rejected, table.TryAdd(Id(0x80, 6), v6b, T0, true, true, out _));
    }

    [Fact]
    public void Our_own_id_and_moved_unconfirmed_ids_are_refused()
    {
        var table = new DhtRoutingTable(Id(0x01), k: 8, nowTicks: T0);
        Assert.Equal(RoutingTableInsertResult.Rejected, table.TryAdd(Id(0x01), Ep(1), T0, true, true, out _));
        table.TryAdd(Id(0x80), Ep(1), T0, true, true, out _);
        Assert.Equal(RoutingTableInsertResult.Rejected, table.TryAdd(Id(0x80), Ep(2), T0, responded: false, true, out _));
        Assert.Equal(Ep(1), table.Find(Id(0x80))!.EndPoint);
    }

    [Fact]
    public void Random_ids_fall_in_their_bucket()
    {
        var random = new Random(4);
        var table = new DhtRoutingTable(NodeId.CreateRandom(random), k: 2, nowTicks: T0);
        for (int i = 0; i < 200; i++) table.TryAdd(NodeId.CreateRandom(random), Ep(i), T0, true, true, out _);
        Assert.True(table.Buckets.Count > 3);
        for (int b = 0; b < table.Buckets.Count; b++)
        {
            for (int i = 0; i < 10; i++)
                Assert.Equal(b, table.BucketIndexOf(table.RandomIdInBucket(b, random)));
        }
    }
}
