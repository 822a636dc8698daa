namespace BitTorrent.Wire.Tests;

/// <summary>
/// The contract: events and request continuations never run inline on a thread that called into the wire, events of
/// one wire never overlap, and nothing is raised after Closed.
/// </summary>
public class ThreadingTests
{
    [Fact]
    public async Task Closed_is_not_raised_inline_on_the_thread_that_calls_End()
    {
        await using var pair = WirePair.Create();
        await pair.HandshakeAsync();
        var caller = new object();
        var inline = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.A.Closed += (_, _) => inline.TrySetResult(Monitor.IsEntered(caller));
        lock (caller) pair.A.End();
        Assert.False(await inline.Task.Within());
    }

    [Fact]
    public async Task A_request_completion_does_not_run_inline_on_the_thread_that_cancels()
    {
        await using var pair = WirePair.Create();
        pair.B.RequestHandler = (_, _) => new ValueTask<ReadOnlyMemory<byte>>(new TaskCompletionSource<ReadOnlyMemory<byte>>().Task);
        await pair.HandshakeAsync();
        await UnchokeAsync(pair);
        var caller = new object();
        var request = pair.A.RequestAsync(0, 0, 16384).AsTask();
        var inline = request.ContinueWith(_ => Monitor.IsEntered(caller), TaskContinuationOptions.ExecuteSynchronously);
        lock (caller) pair.A.Cancel(0, 0, 16384);
        Assert.False(await inline.Within());
        Assert.Equal(WireRequestFailure.Cancelled, (await Assert.ThrowsAsync<WireRequestException>(() => request)).Failure);
    }

    [Fact]
    public async Task Continuations_may_call_back_into_the_wire()
    {
        await using var pair = WirePair.Create();
        var block = new byte[16384];
        pair.B.RequestHandler = (_, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(block);
        await pair.HandshakeAsync();
        await UnchokeAsync(pair);
        for (int i = 0; i < 50; i++)
        {
            // Each continuation issues the next request and sends a have on the same wire.
            Assert.Equal(16384, (await pair.A.RequestAsync(i, 0, 16384)).Length);
            pair.A.Have(i);
        }
        var closed = TestIds.Next<WireClosedEventArgs>(h => pair.A.Closed += h);
        _ = pair.A.RequestAsync(99, 0, 16384).AsTask().ContinueWith(_ => pair.A.End());
        await pair.B.DisposeAsync();
        Assert.NotNull(await closed.Within());
    }

    [Fact]
    public async Task A_blocking_handler_delays_later_events_and_Closed_comes_last()
    {
        await using var raw = new RawPeer();
        var order = new List<string>();
        var release = new SemaphoreSlim(0);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int running = 0, overlapped = 0;
        void Enter(string name)
        {
            if (Interlocked.Increment(ref running) > 1) Interlocked.Increment(ref overlapped);
            lock (order) order.Add(name);
        }
        void Leave() => Interlocked.Decrement(ref running);
        raw.Wire.HaveReceived += (_, e) =>
        {
            Enter($"have {e.Index}");
            if (e.Index == 1)
            {
                entered.TrySetResult();
                release.Wait(TestIds.Bound);
            }
            Leave();
        };
        raw.Wire.PeerChoked += (_, _) => { Enter("choke"); Leave(); };
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        raw.Wire.Closed += (_, _) => { Enter("closed"); Leave(); closed.TrySetResult(); };
        raw.Wire.HaveReceived += (_, e) => { if (e.Index == 9) throw new InvalidOperationException("not raised after Closed"); };
        await raw.HandshakeAsync();
        await raw.SendHexAsync("000000050400000001");
        await entered.Task.Within();
        raw.Wire.End(); // the close events wait for the blocked handler
        await raw.SendHexAsync("000000050400000009");
        release.Release();
        await closed.Task.Within();
        Assert.Equal(0, overlapped);
        Assert.Equal(["have 1", "choke", "closed"], order);
    }

    private static async Task UnchokeAsync(WirePair pair)
    {
        var unchoked = TestIds.Next(h => pair.A.PeerUnchoked += h);
        pair.B.Unchoke();
        await unchoked.Within();
    }
}
