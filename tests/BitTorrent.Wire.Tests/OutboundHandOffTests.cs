using System.Collections.Concurrent;

namespace BitTorrent.Wire.Tests;

/// <summary>The send queue's hand-off: what the read loop queues while it handles a read is written on its own thread.</summary>
public class OutboundHandOffTests
{
    [Fact]
    public async Task What_the_read_loop_queues_is_written_on_its_own_thread_when_it_ends_the_read()
    {
        var writes = new ConcurrentQueue<(int Length, int Thread)>();
        var outbound = new Outbound(m =>
        {
            writes.Enqueue((m.Length, Environment.CurrentManagedThreadId));
            return ValueTask.CompletedTask;
        }, limit: 1000);
        var loop = outbound.RunAsync(); // waits for data at once: parked before this returns

        outbound.DeferWakeUps();
        Assert.True(outbound.Enqueue(new byte[60]));
        Assert.True(outbound.Enqueue(new byte[40]));
        Assert.Empty(writes);
        outbound.EndDeferring();

        Assert.Equal([(100, Environment.CurrentManagedThreadId)], writes);
        outbound.Complete();
        await loop.Within();
    }

    [Fact]
    public async Task A_write_that_cannot_complete_at_once_does_not_hold_the_read_loop()
    {
        var gate = new TaskCompletionSource();
        int writes = 0;
        var outbound = new Outbound(async _ =>
        {
            Interlocked.Increment(ref writes);
            await gate.Task;
        }, limit: 1000);
        var loop = outbound.RunAsync();

        outbound.DeferWakeUps();
        Assert.True(outbound.Enqueue(new byte[60]));
        outbound.EndDeferring(); // returns while the write waits for the peer

        Assert.Equal(1, writes);
        Assert.Equal(60, outbound.Buffered);
        gate.SetResult();
        outbound.Complete();
        await loop.Within();
        Assert.Equal(0, outbound.Buffered);
    }

    [Fact]
    public async Task Other_threads_still_wake_the_send_loop_while_the_read_loop_defers()
    {
        var written = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var outbound = new Outbound(m =>
        {
            written.TrySetResult(m.Length);
            return ValueTask.CompletedTask;
        }, limit: 1000);
        var loop = outbound.RunAsync();

        outbound.DeferWakeUps();
        // Another thread sends while this one is still inside its read (it waits synchronously, as the read loop would).
        bool accepted = false;
        var sender = new Thread(() => accepted = outbound.Enqueue(new byte[25]));
        sender.Start();
        sender.Join();
        Assert.True(accepted);

        Assert.Equal(25, await written.Task.Within()); // before the read loop ends its read
        outbound.EndDeferring();
        outbound.Complete();
        await loop.Within();
    }
}
