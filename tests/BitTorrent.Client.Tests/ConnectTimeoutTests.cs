using System.Net;
using BitTorrent.Client.Transport;
using BitTorrent.Wire;

namespace BitTorrent.Client.Tests;

/// <summary>The connect timeout runs on the engine's <see cref="TimeProvider"/>, as every other timer of the engine.</summary>
public sealed class ConnectTimeoutTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    // Ten minutes of the engine's clock: on the wall clock the test's bound runs out long before, so only a deadline on
    // the injected clock cancels the connect.
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task A_connect_that_never_completes_is_given_up_when_the_engine_clock_passes_the_connect_timeout()
    {
        using var content = await TestContent.CreateAsync([50_000], pieceLength: 16 * 1024);
        var clock = new TimerWatchingClock();
        var transport = new HangingTransport();
        await using var engine = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions() with
        {
            TimeProvider = clock,
            ConnectTimeout = ConnectTimeout,
            Transport = transport,
        });
        var deadlineArmed = clock.NextTimer(ConnectTimeout);
        await engine.AddAsync(content.Torrent, new TorrentOptions
        {
            SaveDirectory = content.NewDirectory("leecher"),
            Peers = [new IPEndPoint(IPAddress.Loopback, 9)],
        });
        await transport.Dialled.Task.WaitAsync(Bound);
        await deadlineArmed.WaitAsync(Bound);
        Assert.False(transport.GivenUp.Task.IsCompleted);

        clock.Advance(ConnectTimeout);
        await transport.GivenUp.Task.WaitAsync(Bound);
    }

    /// <summary>Accepts nothing; every dial hangs until its token is cancelled.</summary>
    private sealed class HangingTransport : IPeerTransport
    {
        public TaskCompletionSource Dialled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource GivenUp { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<IPEndPoint> LocalEndPoints { get; } = [new IPEndPoint(IPAddress.Loopback, 6881)];

        public WireOptions IncomingOptions { get; set; } = new();

        public Task StartAsync(PeerAccepted accepted, CancellationToken cancellationToken) => Task.CompletedTask;

        public async ValueTask<Wire.Wire> ConnectAsync(IPEndPoint remote, InfoHash infoHash, ReadOnlyMemory<byte> handshake, WireOptions options,
            CancellationToken cancellationToken)
        {
            Dialled.TrySetResult();
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }
            finally
            {
                GivenUp.TrySetResult();
            }
            throw new InvalidOperationException("unreachable: the delay is infinite");
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
