using System.Security.Cryptography;
using BitTorrent.Wire;
using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Wire.Tests;

public class RequestTests
{
    private static byte[] Content(int length)
    {
        var data = new byte[length];
        new Random(7).NextBytes(data);
        return data;
    }

    private static async Task UnchokedAsync(WirePair pair)
    {
        var unchoked = TestIds.Next(h => pair.A.PeerUnchoked += h);
        pair.B.Unchoke();
        await unchoked.Within();
    }

    [Fact]
    public async Task Multi_piece_transfer_through_the_request_handler_verifies_by_sha1()
    {
        const int pieceLength = 64 * 1024, block = 16 * 1024, pieces = 5;
        var content = Content(pieceLength * pieces);
        await using var pair = WirePair.Create();
        pair.B.RequestHandler = (r, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(content.AsMemory(r.Index * pieceLength + r.Begin, r.Length));
        await pair.HandshakeAsync();
        var interested = TestIds.Next(h => pair.B.PeerInterestedReceived += h);
        pair.A.Interested();
        await interested.Within();
        Assert.True(pair.B.PeerInterested);
        await UnchokedAsync(pair);
        Assert.False(pair.A.PeerChoking);

        for (int piece = 0; piece < pieces; piece++)
        {
            var blocks = Enumerable.Range(0, pieceLength / block).Select(b => pair.A.RequestAsync(piece, b * block, block).AsTask()).ToArray();
            var data = (await Task.WhenAll(blocks).Within()).SelectMany(b => b).ToArray();
            Assert.Equal(SHA1.HashData(content.AsSpan(piece * pieceLength, pieceLength)), SHA1.HashData(data));
        }
        Assert.Equal(content.Length, pair.A.Downloaded);
        Assert.Equal(content.Length, pair.B.Uploaded);
        Assert.Empty(pair.A.Requests);
        Assert.Empty(pair.B.PeerRequests);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_block_reader_fills_lent_buffers_and_a_throwing_reader_refuses(bool completesAsynchronously)
    {
        const int pieceLength = 64 * 1024, block = 16 * 1024, pieces = 3;
        var content = Content(pieceLength * pieces);
        await using var pair = WirePair.Create();
        pair.B.BlockReader = async (r, destination, _) =>
        {
            if (completesAsynchronously) await Task.Yield();
            if (r.Index == 2) throw new InvalidOperationException("not served");
            Assert.Equal(r.Length, destination.Length);
            content.AsMemory(r.Index * pieceLength + r.Begin, r.Length).CopyTo(destination);
        };
        await pair.HandshakeAsync();
        pair.A.Interested();
        await UnchokedAsync(pair);

        for (int piece = 0; piece < 2; piece++)
        {
            var blocks = Enumerable.Range(0, pieceLength / block).Select(b => pair.A.RequestAsync(piece, b * block, block).AsTask()).ToArray();
            var data = (await Task.WhenAll(blocks).Within()).SelectMany(b => b).ToArray();
            Assert.Equal(content.AsSpan(piece * pieceLength, pieceLength).ToArray(), data);
        }
        var refused = await Assert.ThrowsAsync<WireRequestException>(() => pair.A.RequestAsync(2, 0, block).AsTask().Within());
        Assert.Equal(WireRequestFailure.Rejected, refused.Failure);
        Assert.Equal(2 * pieceLength, pair.B.Uploaded);
        Assert.Empty(pair.B.PeerRequests);
    }

    [Fact]
    public async Task Requesting_while_choked_fails_at_once()
    {
        await using var pair = WirePair.Create();
        await pair.HandshakeAsync();
        var ex = await Assert.ThrowsAsync<WireRequestException>(() => pair.A.RequestAsync(0, 0, 16384).AsTask());
        Assert.Equal(WireRequestFailure.Choked, ex.Failure);
    }

    [Fact]
    public async Task Allowed_fast_pieces_may_be_requested_while_choked()
    {
        var content = Content(16384);
        await using var pair = WirePair.Create();
        pair.B.RequestHandler = (r, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(content);
        await pair.HandshakeAsync();
        var allowed = TestIds.Next<PieceIndexEventArgs>(h => pair.A.AllowedFastReceived += h);
        pair.B.AllowedFast(3);
        Assert.Equal(3, (await allowed.Within()).Index);
        Assert.Contains(3, pair.A.PeerAllowedFastSet);
        Assert.Equal(content, await pair.A.RequestAsync(3, 0, 16384).AsTask().Within());
        await Assert.ThrowsAsync<WireRequestException>(() => pair.A.RequestAsync(4, 0, 16384).AsTask());
    }

    [Fact]
    public async Task Choke_without_fast_fails_pending_requests_after_the_event()
    {
        await using var pair = WirePair.Create();
        await pair.HandshakeAsync(WireExtensions.None, WireExtensions.None);
        await UnchokedAsync(pair);
        var order = new List<string>();
        pair.A.PeerChoked += (_, _) => order.Add("choke");
        var requests = Enumerable.Range(0, 3).Select(i => Observe(pair.A.RequestAsync(i, 0, 16384), i, order)).ToArray();
        pair.B.Choke();
        await Task.WhenAll(requests).Within();
        // Completions run asynchronously, so their order among themselves is the thread pool's; all follow the event.
        Assert.Equal("choke", order[0]);
        Assert.Equal(["fail 0", "fail 1", "fail 2"], order.Skip(1).Order());
    }

    private static async Task Observe(ValueTask<byte[]> request, int index, List<string> order)
    {
        var ex = await Assert.ThrowsAsync<WireRequestException>(() => request.AsTask());
        Assert.Equal(WireRequestFailure.Choked, ex.Failure);
        lock (order) order.Add($"fail {index}");
    }

    [Fact]
    public async Task Choke_with_fast_keeps_requests_until_rejected()
    {
        await using var pair = WirePair.Create();
        var seen = new TaskCompletionSource<BitTorrent.Wire.BlockRequest>();
        pair.B.RequestReceived += (_, e) => seen.TrySetResult(e.Request);
        await pair.HandshakeAsync();
        pair.B.AllowedFast(1); // so B's own choke keeps (does not reject) the request for piece 1
        await UnchokedAsync(pair);
        var request = pair.A.RequestAsync(1, 0, 16384).AsTask();
        await seen.Task.Within();
        var choked = TestIds.Next(h => pair.A.PeerChoked += h);
        pair.B.Choke();
        await choked.Within();
        Assert.Single(pair.B.PeerRequests);
        Assert.False(request.IsCompleted);
        Assert.Single(pair.A.Requests);
        var rejected = TestIds.Next<BlockEventArgs>(h => pair.A.RejectReceived += h);
        pair.B.Reject(1, 0, 16384);
        var ex = await Assert.ThrowsAsync<WireRequestException>(() => request.Within());
        Assert.Equal(WireRequestFailure.Rejected, ex.Failure);
        Assert.Equal(1, (await rejected.Within()).Request.Index);
        Assert.Empty(pair.B.PeerRequests);
    }

    [Fact]
    public async Task Our_choke_with_fast_rejects_requests_outside_the_allowed_fast_set()
    {
        await using var pair = WirePair.Create();
        var seen = new TaskCompletionSource();
        pair.B.RequestReceived += (_, _) => seen.TrySetResult();
        await pair.HandshakeAsync();
        await UnchokedAsync(pair);
        var request = pair.A.RequestAsync(5, 0, 16384).AsTask();
        await seen.Task.Within();
        pair.B.Choke();
        Assert.Equal(WireRequestFailure.Rejected, (await Assert.ThrowsAsync<WireRequestException>(() => request.Within())).Failure);
    }

    [Fact]
    public async Task Handler_failure_is_a_reject_with_fast()
    {
        await using var pair = WirePair.Create();
        pair.B.RequestHandler = (_, _) => ValueTask.FromException<ReadOnlyMemory<byte>>(new IOException("disk"));
        await pair.HandshakeAsync();
        await UnchokedAsync(pair);
        var ex = await Assert.ThrowsAsync<WireRequestException>(() => pair.A.RequestAsync(0, 0, 16384).AsTask().Within());
        Assert.Equal(WireRequestFailure.Rejected, ex.Failure);
    }

    [Fact]
    public async Task Cancel_fails_the_request_and_tells_the_peer()
    {
        await using var pair = WirePair.Create();
        var cancelled = TestIds.Next<BlockEventArgs>(h => pair.B.CancelReceived += h);
        await pair.HandshakeAsync();
        await UnchokedAsync(pair);
        var request = pair.A.RequestAsync(2, 16384, 16384).AsTask();
        pair.A.Cancel(2, 16384, 16384);
        var ex = await Assert.ThrowsAsync<WireRequestException>(() => request.Within());
        Assert.Equal(WireRequestFailure.Cancelled, ex.Failure);
        Assert.Equal(new BitTorrent.Wire.BlockRequest(2, 16384, 16384), (await cancelled.Within()).Request);

        using var cts = new CancellationTokenSource();
        var viaToken = pair.A.RequestAsync(3, 0, 16384, cts.Token).AsTask();
        cts.Cancel();
        Assert.Equal(WireRequestFailure.Cancelled, (await Assert.ThrowsAsync<WireRequestException>(() => viaToken.Within())).Failure);
    }

    [Fact]
    public async Task Peer_reqq_limits_requests_in_flight()
    {
        await using var pair = WirePair.Create(optionsB: new WireOptions { MaxPeerRequests = 3 });
        var pending = new List<TaskCompletionSource<ReadOnlyMemory<byte>>>();
        var gotTwo = new TaskCompletionSource();
        var gotThree = new TaskCompletionSource();
        pair.B.RequestHandler = (_, _) =>
        {
            var tcs = new TaskCompletionSource<ReadOnlyMemory<byte>>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (pending)
            {
                pending.Add(tcs);
                if (pending.Count == 2) gotTwo.TrySetResult();
                if (pending.Count == 3) gotThree.TrySetResult();
            }
            return new ValueTask<ReadOnlyMemory<byte>>(tcs.Task);
        };
        await pair.HandshakeAsync();
        await UnchokedAsync(pair);
        Assert.Equal(2, pair.A.PeerRequestQueueLength); // one below the advertised 3
        var requests = Enumerable.Range(0, 4).Select(i => pair.A.RequestAsync(i, 0, 4).AsTask()).ToArray();
        await gotTwo.Task.Within();
        Assert.Equal(4, pair.A.Requests.Count);
        Assert.Equal(2, pair.B.PeerRequests.Count);
        lock (pending) pending[0].SetResult(new byte[4]);
        await requests[0].Within();
        // Completing one lets exactly the next go out; the peer never sees more than two.
        await gotThree.Task.Within();
        Assert.Equal(2, pair.B.PeerRequests.Count);
        Assert.Equal(3, pair.A.Requests.Count);
    }


    [Fact]
    public async Task Requests_held_back_by_reqq_go_out_in_order_once_each_around_cancels()
    {
        await using var pair = WirePair.Create(optionsB: new WireOptions { MaxPeerRequests = 3 });
        var seen = new List<int>();
        var answers = new Dictionary<int, TaskCompletionSource<ReadOnlyMemory<byte>>>();
        var arrived = new Dictionary<int, TaskCompletionSource>();
        for (int i = 0; i < 6; i++)
        {
            answers[i] = new TaskCompletionSource<ReadOnlyMemory<byte>>(TaskCreationOptions.RunContinuationsAsynchronously);
            arrived[i] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        pair.B.RequestHandler = (block, _) =>
        {
            lock (seen) seen.Add(block.Index);
            arrived[block.Index].TrySetResult();
            return new ValueTask<ReadOnlyMemory<byte>>(answers[block.Index].Task);
        };
        await pair.HandshakeAsync();
        await UnchokedAsync(pair);
        var requests = Enumerable.Range(0, 6).Select(i => pair.A.RequestAsync(i, 0, 4).AsTask()).ToArray();
        await Task.WhenAll(arrived[0].Task, arrived[1].Task).Within();

        pair.A.Cancel(1, 0, 4); // in flight: the next held-back request (2) takes its place
        await arrived[2].Task.Within();
        pair.A.Cancel(4, 0, 4); // held back: never sent
        answers[0].SetResult(new byte[4]);
        await requests[0].Within();
        await arrived[3].Task.Within();
        answers[2].SetResult(new byte[4]);
        await requests[2].Within();
        await arrived[5].Task.Within();
        answers[3].SetResult(new byte[4]);
        answers[5].SetResult(new byte[4]);
        await Task.WhenAll(requests[3], requests[5]).Within();

        lock (seen) Assert.Equal([0, 1, 2, 3, 5], seen);
        Assert.Equal(WireRequestFailure.Cancelled, (await Assert.ThrowsAsync<WireRequestException>(() => requests[4].Within())).Failure);
        Assert.Empty(pair.A.Requests);
    }

    [Fact]
    public async Task Timeout_fails_the_oldest_request_each_period_and_keeps_the_wire()
    {
        var time = new FakeTimeProvider();
        await using var pair = WirePair.Create(new WireOptions { TimeProvider = time });
        var received = 0;
        var gotThree = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.B.RequestReceived += (_, _) => { if (Interlocked.Increment(ref received) == 3) gotThree.TrySetResult(); };
        await pair.HandshakeAsync();
        await UnchokedAsync(pair);
        pair.A.RequestTimeout = TimeSpan.FromSeconds(1);
        int timeouts = 0;
        var threeTimeouts = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.A.RequestTimedOut += (_, _) => { if (Interlocked.Increment(ref timeouts) == 3) threeTimeouts.TrySetResult(); };
        var requests = Enumerable.Range(0, 3).Select(i => pair.A.RequestAsync(i, 0, 16384).AsTask()).ToArray();
        await gotThree.Task.Within();

        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.All(requests, r => Assert.False(r.IsCompleted));
        time.Advance(TimeSpan.FromMilliseconds(1));
        var first = await Assert.ThrowsAsync<WireRequestException>(() => requests[0].Within());
        Assert.Equal(WireRequestFailure.TimedOut, first.Failure);
        Assert.False(requests[1].IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<WireRequestException>(() => requests[1].Within());
        time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<WireRequestException>(() => requests[2].Within());
        await threeTimeouts.Task.Within();
        Assert.False(pair.A.IsClosed);
    }

    [Fact]
    public async Task End_synthesizes_uninterested_and_choke_and_fails_requests_as_closed()
    {
        await using var pair = WirePair.Create();
        await pair.HandshakeAsync();
        var interested = TestIds.Next(h => pair.A.PeerInterestedReceived += h);
        pair.B.Interested();
        await interested.Within();
        await UnchokedAsync(pair);
        var order = new List<string>();
        pair.A.PeerUninterestedReceived += (_, _) => order.Add("uninterested");
        pair.A.PeerChoked += (_, _) => order.Add("choke");
        var closed = TestIds.Next<WireClosedEventArgs>(h => pair.A.Closed += (s, e) => { order.Add("closed " + e.Reason); h(s, e); });
        var request = pair.A.RequestAsync(0, 0, 16384).AsTask();
        var remoteClosed = TestIds.Next<WireClosedEventArgs>(h => pair.B.Closed += h);
        pair.A.End();
        var ex = await Assert.ThrowsAsync<WireRequestException>(() => request.Within());
        Assert.Equal(WireRequestFailure.Closed, ex.Failure);
        await closed.Within();
        Assert.Equal(["uninterested", "choke", "closed LocalEnd"], order);
        Assert.True(pair.A.PeerChoking);
        Assert.False(pair.A.PeerInterested);
        Assert.Equal(WireCloseReason.RemoteEnd, (await remoteClosed.Within()).Reason);
        Assert.Equal(WireRequestFailure.Closed, (await Assert.ThrowsAsync<WireRequestException>(() => pair.A.RequestAsync(0, 0, 1).AsTask())).Failure);
    }
}

public class DestinationRequestTests
{
    [Fact]
    public async Task A_block_can_land_in_the_callers_memory()
    {
        var content = new byte[32768];
        new Random(11).NextBytes(content);
        await using var pair = WirePair.Create();
        pair.B.RequestHandler = (r, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(content.AsMemory(r.Begin, r.Length));
        await pair.HandshakeAsync();
        var unchoked = TestIds.Next(h => pair.A.PeerUnchoked += h);
        pair.B.Unchoke();
        await unchoked.Within();
        var piece = new byte[32768];
        var lengths = await Task.WhenAll(
            pair.A.RequestAsync(0, 0, piece.AsMemory(0, 16384)).AsTask(),
            pair.A.RequestAsync(0, 16384, piece.AsMemory(16384)).AsTask()).Within();
        Assert.Equal([16384, 16384], lengths);
        Assert.Equal(content, piece);
        var choked = TestIds.Next(h => pair.A.PeerChoked += h);
        pair.B.Choke();
        await choked.Within();
        var ex = await Assert.ThrowsAsync<WireRequestException>(() => pair.A.RequestAsync(0, 0, new byte[16]).AsTask());
        Assert.Equal(WireRequestFailure.Choked, ex.Failure);
    }
}
