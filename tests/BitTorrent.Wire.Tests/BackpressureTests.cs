using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace BitTorrent.Wire.Tests;

/// <summary>Serving is bounded by what the peer reads, and reading never stops: no two-way stall, no unbounded queue.</summary>
public class BackpressureTests
{
    private const int Requests = 500;
    private const int InFlight = 200;

    [Theory]
    [InlineData(16, false)]
    [InlineData(64, false)]
    [InlineData(128, false)]
    [InlineData(16, true)]
    [InlineData(64, true)]
    [InlineData(128, true)]
    public async Task Two_wires_requesting_from_each_other_at_once_both_finish(int blockKiB, bool tcp)
    {
        int block = blockKiB * 1024;
        var (a, b) = tcp ? await TcpPairAsync() : TinyPipePair();
        await using var pair = WirePair.From(a, b);
        var data = new byte[block];
        pair.A.RequestHandler = (_, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(data);
        pair.B.RequestHandler = (_, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(data);
        pair.A.PeerInterestedReceived += (_, _) => pair.A.Unchoke();
        pair.B.PeerInterestedReceived += (_, _) => pair.B.Unchoke();
        var aUnchoked = TestIds.Next(h => pair.A.PeerUnchoked += h);
        var bUnchoked = TestIds.Next(h => pair.B.PeerUnchoked += h);
        await pair.HandshakeAsync();
        pair.A.Interested();
        pair.B.Interested();
        await Task.WhenAll(aUnchoked, bUnchoked).Within();

        var both = Task.WhenAll(DownloadAsync(pair.A, block), DownloadAsync(pair.B, block));
        await both.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal((long)Requests * block, pair.A.Downloaded);
        Assert.Equal((long)Requests * block, pair.B.Downloaded);
        Assert.Equal((long)Requests * block, pair.A.Uploaded);
    }

    private static async Task DownloadAsync(Wire wire, int block)
    {
        var inFlight = new Queue<Task<byte[]>>();
        int sent = 0;
        while (sent < Requests || inFlight.Count > 0)
        {
            while (sent < Requests && inFlight.Count < InFlight) inFlight.Enqueue(wire.RequestAsync(sent++, 0, block).AsTask());
            Assert.Equal(block, (await inFlight.Dequeue()).Length);
        }
    }

    private static (PeerConnection A, PeerConnection B) TinyPipePair()
    {
        var options = new PipeOptions(pauseWriterThreshold: 1024, resumeWriterThreshold: 512, minimumSegmentSize: 512, useSynchronizationContext: false);
        var ab = new Pipe(options);
        var ba = new Pipe(options);
        return (PeerConnection.FromPipe(new DuplexPipe(ba.Reader, ab.Writer), ConnectionDirection.Outgoing),
            PeerConnection.FromPipe(new DuplexPipe(ab.Reader, ba.Writer), ConnectionDirection.Incoming));
    }

    private static async Task<(PeerConnection A, PeerConnection B)> TcpPairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accept = listener.AcceptAsync();
        await client.ConnectAsync(listener.LocalEndPoint!).Within();
        var server = await accept.Within();
        return (PeerConnection.FromSocket(client, ConnectionDirection.Outgoing), PeerConnection.FromSocket(server, ConnectionDirection.Incoming));
    }

    [Fact]
    public async Task A_peer_that_never_reads_gets_no_more_than_the_high_water_mark_and_other_wires_keep_going()
    {
        const int highWater = 1024 * 1024;
        const int block = 128 * 1024;
        await using var raw = new RawPeer(new WireOptions { OutboundHighWater = highWater, MaxPeerRequests = 250 });
        int served = 0;
        var data = new byte[block];
        raw.Wire.RequestHandler = (_, _) =>
        {
            Interlocked.Increment(ref served);
            return ValueTask.FromResult<ReadOnlyMemory<byte>>(data); // answers at once: it must not bypass the bound
        };
        raw.Wire.PeerInterestedReceived += (_, _) => raw.Wire.Unchoke();
        await raw.HandshakeAsync();
        // Nothing is read from here on: the wire's output pipe fills (64 KiB) and stays full.
        var keepAlive = TestIds.Next(h => raw.Wire.KeepAliveReceived += h);
        await raw.SendAsync([0, 0, 0, 1, 2]); // interested
        for (int i = 0; i < 250; i++) await raw.SendAsync(Request(i, block));
        await raw.SendAsync([0, 0, 0, 0]);
        await keepAlive.Within(); // every request before it was handled

        // The pipe holds 64 KiB before it blocks the writer; beyond that only the high-water mark and one block.
        Assert.InRange(raw.Wire.QueuedBytes, 0, highWater + block + 1024);
        Assert.InRange(Volatile.Read(ref served), highWater / block, (highWater + 64 * 1024) / block + 2);
        Assert.Equal(250 - Volatile.Read(ref served), raw.Wire.PeerRequests.Count); // the rest wait for the peer to read
        Assert.False(raw.Wire.IsClosed);

        // Another wire in the same process is unaffected.
        await using var other = WirePair.Create();
        other.B.RequestHandler = (_, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(data);
        other.B.PeerInterestedReceived += (_, _) => other.B.Unchoke();
        var unchoked = TestIds.Next(h => other.A.PeerUnchoked += h);
        await other.HandshakeAsync();
        other.A.Interested();
        await unchoked.Within();
        var blocks = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => other.A.RequestAsync(i, 0, block).AsTask())).Within();
        Assert.All(blocks, b => Assert.Equal(block, b.Length));
    }

    [Fact]
    public async Task A_peer_that_floods_requests_and_never_reads_is_closed_at_the_outbound_limit()
    {
        const int block = 16 * 1024;
        await using var raw = new RawPeer(new WireOptions { OutboundHighWater = 256 * 1024, MaxOutboundBytes = 512 * 1024 });
        var data = new byte[block];
        raw.Wire.RequestHandler = (_, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(data);
        var closed = TestIds.Next<WireClosedEventArgs>(h => raw.Wire.Closed += h);
        await raw.HandshakeAsync();
        await raw.SendAsync([0, 0, 0, 1, 2]);
        // Choked: every request is rejected (Fast), 17 bytes each, and the peer reads none of them.
        var flood = new byte[17 * 1000];
        for (int i = 0; i < 1000; i++) Request(i, block).CopyTo(flood, 17 * i);
        for (int round = 0; round < 100 && !raw.Wire.IsClosed; round++) await raw.SendAsync(flood);
        var reason = await closed.Within();
        Assert.Equal(WireCloseReason.SendBufferFull, reason.Reason);
        Assert.InRange(raw.Wire.QueuedBytes, 0, 512 * 1024);
    }

    private static byte[] Request(int index, int length)
    {
        var message = new byte[17];
        MessageWriter.WriteBlock(message, MessageId.Request, new BlockRequest(index, 0, length));
        return message;
    }
}
