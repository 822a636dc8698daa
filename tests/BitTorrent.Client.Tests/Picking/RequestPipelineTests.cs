using BitTorrent.Client;
using Microsoft.Extensions.Time.Testing;
using static BitTorrent.Client.Tests.Picking.PickerTestKit;

namespace BitTorrent.Client.Tests.Picking;

public class RequestPipelineTests
{
    [Theory]
    [InlineData(0, 250, 2)] // no rate measured yet: the minimum
    [InlineData(1024 * 1024, 250, 192)] // 3 s at 1 MiB/s = 192 blocks
    [InlineData(100 * 1024 * 1024, 250, 249)] // bounded by the peer's reqq - 1
    [InlineData(100 * 1024 * 1024, 2000, 500)] // and by the cap
    [InlineData(1024 * 1024, 2, 1)] // a reqq of 2 leaves room for one
    public void The_queue_covers_three_seconds_at_the_measured_rate(double rate, int reqq, int expected)
    {
        var pipeline = new RequestPipeline(new FakeTimeProvider()) { PeerRequestQueue = reqq };
        Assert.Equal(expected, pipeline.TargetOutstanding(rate));
    }

    [Fact]
    public void A_peer_silent_for_60_seconds_with_requests_outstanding_is_snubbed_until_a_block_arrives()
    {
        var time = new FakeTimeProvider();
        var pipeline = new RequestPipeline(time);
        Assert.False(pipeline.CheckSnub(time.GetTimestamp(), outstanding: 0));
        pipeline.OnRequestsSent(time.GetTimestamp(), outstandingBefore: 0);

        time.Advance(TimeSpan.FromSeconds(50));
        pipeline.OnBlockReceived(time.GetTimestamp()); // progress restarts the clock
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(pipeline.CheckSnub(time.GetTimestamp(), outstanding: 5));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(pipeline.CheckSnub(time.GetTimestamp(), outstanding: 5));
        Assert.True(pipeline.IsSnubbed);
        Assert.False(pipeline.CheckSnub(time.GetTimestamp(), outstanding: 5)); // reported once
        Assert.Equal(1, pipeline.TargetOutstanding(10 * 1024 * 1024));

        pipeline.OnBlockReceived(time.GetTimestamp());
        Assert.False(pipeline.IsSnubbed);
        Assert.Equal(192, pipeline.TargetOutstanding(1024 * 1024));
    }

    [Fact]
    public void An_idle_peer_is_not_snubbed()
    {
        var time = new FakeTimeProvider();
        var pipeline = new RequestPipeline(time);
        pipeline.OnRequestsSent(time.GetTimestamp(), 0);
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.False(pipeline.CheckSnub(time.GetTimestamp(), outstanding: 0)); // everything answered
        time.Advance(TimeSpan.FromSeconds(100));
        pipeline.OnRequestsSent(time.GetTimestamp(), 0); // new requests after an idle spell
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(pipeline.CheckSnub(time.GetTimestamp(), outstanding: 1));
    }

    [Fact]
    public void A_snubbed_peers_blocks_go_to_a_faster_peer_instead_of_holding_the_last_piece()
    {
        var time = new FakeTimeProvider();
        var picker = Create(1, blocksPerPiece: 4);
        var slow = picker.AddSeed(1);
        var fast = picker.AddSeed(2);
        var slowPipeline = new RequestPipeline(time);
        var held = picker.Pick(slow, 4);
        slowPipeline.OnRequestsSent(time.GetTimestamp(), 0);
        time.Advance(TimeSpan.FromSeconds(60));

        Assert.True(slowPipeline.CheckSnub(time.GetTimestamp(), picker.OutstandingRequests(slow)));
        picker.ReleaseRequests(slow);
        var taken = picker.Pick(fast, 4);
        Assert.Equal(held.Sorted(), taken.Sorted());
        Assert.False(picker.IsEndGame && taken.Length < 4);
        picker.Complete(fast, taken);
        Assert.True(picker.IsFinished);
        Assert.Equal(1, slowPipeline.TargetOutstanding(0));
    }
}
