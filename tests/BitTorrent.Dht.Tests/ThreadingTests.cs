using System.Net;
using System.Net.Sockets;
using BitTorrent.Dht.Tests.Support;

namespace BitTorrent.Dht.Tests;

/// <summary>The threading contract: events after the lock, off the receive loop; handlers cannot kill or stall the node.</summary>
public class ThreadingTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_throwing_warning_handler_does_not_end_the_udp_receive_loop()
    {
        await using var node = new DhtNode(new DhtNodeOptions { BootstrapNodes = [] });
        var thrown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        node.Warning += (_, _) =>
        {
            thrown.TrySetResult();
            throw new InvalidOperationException("handler failed");
        };
        node.Listen(0, IPAddress.Loopback);
        using var garbage = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await garbage.SendAsync("not bencode"u8.ToArray(), node.LocalEndPoint!);
        await thrown.Task.WaitAsync(Bound);

        // The node still receives: a ping from another node is answered.
        await using var other = new DhtNode(new DhtNodeOptions { BootstrapNodes = [] });
        other.Listen(0, IPAddress.Loopback);
        Assert.Equal(node.Id, await other.PingAsync(node.LocalEndPoint!).WaitAsync(Bound));
        await node.WhenEventsRaisedAsync().WaitAsync(Bound);
        Assert.Equal(1, node.GetStats().EventHandlerFailures);
    }

    [Fact]
    public async Task A_blocking_handler_stalls_neither_the_receive_loop_nor_callers_and_may_call_back_into_the_node()
    {
        var network = new TestNetwork();
        var node = Nodes.Create(network, 0);
        node.Listen();
        var client = new RawClient(network, new IPEndPoint(IPAddress.Parse("198.51.100.7"), 4000));
        using var release = new ManualResetEventSlim();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool releasedInTime = false;
        int nodesSeenFromHandler = -1;
        node.Warning += (_, _) =>
        {
            entered.TrySetResult();
            // Another thread using the node while this handler runs: a handler raised under the lock would deadlock here.
            nodesSeenFromHandler = Task.Run(() => node.NodeCount).Wait(Bound) ? 0 : -2;
            releasedInTime = release.Wait(Bound);
        };
        client.Send(node.LocalEndPoint!, "garbage"u8.ToArray());
        await entered.Task.WaitAsync(Bound);

        // While the handler blocks, datagrams are still handled on the delivering thread and answered.
        Assert.NotNull(client.Query(node.LocalEndPoint!, "ping"));
        client.Send(node.LocalEndPoint!, "more garbage"u8.ToArray());
        Assert.Equal(2, node.GetStats().MalformedDropped);
        release.Set();
        node.Flush();
        Assert.True(releasedInTime);
        Assert.Equal(0, nodesSeenFromHandler);
    }

    [Fact]
    public void Events_wait_in_a_bounded_queue_behind_a_blocked_handler()
    {
        var network = new TestNetwork();
        var node = Nodes.Create(network, 0, configure: o => new DhtNodeOptions
        {
            Transport = o.Transport, TimeProvider = o.TimeProvider, Random = o.Random, BootstrapNodes = [], MaxQueuedEvents = 10,
        });
        node.Listen();
        using var release = new ManualResetEventSlim();
        int raised = 0;
        node.Warning += (_, _) =>
        {
            Interlocked.Increment(ref raised);
            release.Wait(Bound);
        };
        var client = new RawClient(network, new IPEndPoint(IPAddress.Parse("198.51.100.7"), 4000));
        for (int i = 0; i < 30; i++)
        {
            client.Send(node.LocalEndPoint!, "garbage"u8.ToArray());
        }
        release.Set();
        node.Flush();
        var stats = node.GetStats();
        Assert.Equal(30, stats.MalformedDropped);
        Assert.Equal(30, raised + stats.EventsDropped);
        Assert.InRange(stats.EventsDropped, 19, 20);
    }

    [Fact]
    public async Task A_bootstrap_that_fails_outside_the_socket_is_reported_and_the_node_does_not_stay_bootstrapping()
    {
        var network = new TestNetwork();
        // Resolving a 300-character host name fails (asynchronously, without the network) with
        // ArgumentOutOfRangeException, not a SocketException: once that left the node bootstrapping for ever.
        var node = Nodes.Create(network, 0, [new DnsEndPoint(new string('a', 300), 6881)]);
        var warnings = new List<DhtWarningEventArgs>();
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        node.Warning += (_, e) =>
        {
            warnings.Add(e);
            if (e.Kind == DhtWarningKind.BootstrapFailed) failed.TrySetResult();
        };
        node.Listen();
        await failed.Task.WaitAsync(Bound);
        await node.WaitForReadyAsync().WaitAsync(Bound);
        node.Flush();
        Assert.Equal([DhtWarningKind.BootstrapResolutionFailed, DhtWarningKind.BootstrapFailed], warnings.Select(w => w.Kind));
        Assert.Contains("retrying in 5 s", warnings[1].Message);
    }

    [Fact]
    public void A_failed_bootstrap_is_retried_after_its_backoff_and_fills_the_table()
    {
        var network = new TestNetwork();
        var node = Nodes.Create(network, 0, [Nodes.Address(1)]);
        node.Listen();
        network.RunUntil(node.WaitForReadyAsync());
        Assert.Equal(0, node.NodeCount);

        // The router comes up; the retry waits for its backoff (5 s after the failure), then fills the table.
        var router = Nodes.Create(network, 1);
        router.Listen();
        network.Run(TimeSpan.FromSeconds(4.5));
        Assert.Equal(0, router.GetStats().QueriesReceived);
        network.Run(TimeSpan.FromSeconds(1));
        Assert.Equal(router.Id, Assert.Single(node.GetNodes()).Id);
    }

    [Fact]
    public void Repeated_bootstrap_failures_back_off_doubling_up_to_a_minute()
    {
        var network = new TestNetwork();
        var node = Nodes.Create(network, 0, [Nodes.Address(1)]);
        var attempts = new List<DateTimeOffset>();
        network.Filter = (_, _, to) =>
        {
            if (to.Equals(Nodes.Address(1))) attempts.Add(network.Time.GetUtcNow());
            return true;
        };
        node.Listen();
        network.Run(TimeSpan.FromMinutes(5));
        Assert.True(node.IsReady);
        // Each attempt waits 2 s for the silent router, then pauses 5, 10, 20, 40, 60, 60 s before the next.
        var gaps = attempts.Zip(attempts.Skip(1), (a, b) => Math.Round((b - a).TotalSeconds, 1)).ToList();
        Assert.Equal(new double[] { 7, 12, 22, 42, 62, 62 }, gaps.Take(6));
    }

    [Fact]
    public async Task A_persistent_socket_error_backs_off_instead_of_spinning()
    {
        var time = new TimerWatchingClock();
        int receives = 0, errors = 0;
        var received = new SemaphoreSlim(0);
        var loop = new UdpReceiveLoop(
            (_, _) =>
            {
                Interlocked.Increment(ref receives);
                received.Release();
                return ValueTask.FromException<SocketReceiveFromResult>(new SocketException((int)SocketError.NetworkDown));
            },
            (_, _) => { },
            _ => Interlocked.Increment(ref errors),
            time);
        using var stop = new CancellationTokenSource();
        var run = loop.RunAsync(stop.Token);
        Assert.True(await received.WaitAsync(Bound));
        // After each error the loop pauses 10, 20, 40 ... ms up to 1 s on the clock before it receives again.
        foreach (var pause in new[] { 10, 20, 40, 80, 160, 320, 640, 1000, 1000 })
        {
            Assert.True(await time.TimerCreated.WaitAsync(Bound), "no pause after a socket error");
            time.Fake.Advance(TimeSpan.FromMilliseconds(pause - 1));
            Assert.False(await received.WaitAsync(TimeSpan.FromMilliseconds(20)), $"received again before the {pause} ms pause ended");
            time.Fake.Advance(TimeSpan.FromMilliseconds(1));
            Assert.True(await received.WaitAsync(Bound));
        }
        Assert.Equal(10, receives);
        Assert.Equal(10, errors);
        stop.Cancel();
        await run.WaitAsync(Bound);
    }

    /// <summary>A fake clock that signals each timer created on it (the receive loop's pauses).</summary>
    private sealed class TimerWatchingClock : TimeProvider
    {
        public Microsoft.Extensions.Time.Testing.FakeTimeProvider Fake { get; } = new();

        public SemaphoreSlim TimerCreated { get; } = new(0);

        public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

        public override long GetTimestamp() => Fake.GetTimestamp();

        public override long TimestampFrequency => Fake.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = Fake.CreateTimer(callback, state, dueTime, period);
            TimerCreated.Release();
            return timer;
        }
    }
}
