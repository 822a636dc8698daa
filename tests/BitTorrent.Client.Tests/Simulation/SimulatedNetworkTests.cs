using System.IO.Pipelines;
using BitTorrent.Wire;

namespace BitTorrent.Client.Tests.Simulation;

/// <summary>The simulated network itself: links deliver what is written, at their rate in virtual time, and the tap reads the messages.</summary>
[Collection(nameof(SimulationCollection))]
public sealed class SimulatedNetworkTests
{
    [Fact]
    public async Task An_unlimited_link_delivers_at_once_and_a_limited_one_at_its_rate_of_virtual_time()
    {
        var network = new SimulatedNetwork();
        var a = new SimulatedPeerTransport(network, network.NextEndPoint());
        var b = new SimulatedPeerTransport(network, network.NextEndPoint());
        network.SetRate(b.EndPoint, a.EndPoint, 10_000);
        var (ab, ba, _, _) = network.Connect(a, b);
        var atB = new Counter(ba.Input);
        var atA = new Counter(ab.Input);

        await ab.Output.WriteAsync(new byte[5000]);
        await network.SettleAsync();
        Assert.Equal(5000, atB.Bytes);

        await ba.Output.WriteAsync(new byte[5000]);
        await network.SettleAsync();
        Assert.Equal(0, atA.Bytes);
        await network.RunAsync(TimeSpan.FromMilliseconds(300));
        Assert.Equal(3000, atA.Bytes); // 10,000 bytes per virtual second for 0.3 s
        await network.RunAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(5000, atA.Bytes);
    }

    [Fact]
    public async Task Two_wires_handshake_over_the_network_and_the_tap_sees_their_messages()
    {
        var network = new SimulatedNetwork();
        var a = new SimulatedPeerTransport(network, network.NextEndPoint());
        var b = new SimulatedPeerTransport(network, network.NextEndPoint());
        var (ab, ba, _, _) = network.Connect(a, b);
        var options = new WireOptions { TimeProvider = network.Clock };
        await using var wireA = new Wire.Wire(PeerConnection.FromPipe(ab, ConnectionDirection.Outgoing), options);
        await using var wireB = new Wire.Wire(PeerConnection.FromPipe(ba, ConnectionDirection.Incoming), options);
        var hash = new InfoHash(new byte[20]);
        wireB.HandshakeReceived += (_, _) => wireB.Handshake(hash, PeerId.CreateRandom(), WireExtensions.Fast);
        var interested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        wireB.PeerInterestedReceived += (_, _) => interested.TrySetResult();
        wireA.Start();
        wireB.Start();
        wireA.Handshake(hash, PeerId.CreateRandom(), WireExtensions.Fast);
        wireA.Interested();
        await interested.Task.WaitAsync(SimulatedSwarm.Bound);
        await network.SettleAsync();
        Assert.Contains(network.Messages, m => m.Id == MessageId.Interested && m.From.Equals(a.EndPoint) && m.To.Equals(b.EndPoint));
    }

    /// <summary>Reads a pipe to its end, counting the bytes.</summary>
    private sealed class Counter
    {
        private long _bytes;

        public Counter(PipeReader reader) => _ = Task.Run(async () =>
        {
            while (true)
            {
                var result = await reader.ReadAsync();
                Interlocked.Add(ref _bytes, result.Buffer.Length);
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted) return;
            }
        });

        public long Bytes => Interlocked.Read(ref _bytes);
    }
}
