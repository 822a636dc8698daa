using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using BitTorrent.Trackers;

namespace BitTorrent.Benchmarks.Trackers;

/// <summary>
/// One UDP announce round trip on 127.0.0.1 (BEP 15) through <see cref="ITracker.AnnounceAsync"/>: a fresh socket,
/// the announce and its answer with 50 peers, parsed. The connection id is cached (as for a minute in real use), so
/// each operation is one exchange. The tracker is a minimal in-process responder, so the figure is our client's cost
/// plus the loopback, not a tracker's.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class UdpAnnounceBenchmarks
{
    private readonly CancellationTokenSource _stop = new();
    private UdpClient _server = null!;
    private TrackerClient _client = null!;
    private ITracker _tracker = null!;
    private AnnounceRequest _request = null!;
    private Task _serving = Task.CompletedTask;

    /// <summary>Starts the responder and primes the connection id.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _server = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        _serving = ServeAsync();
        // The benchmark runs longer than a minute: keep the connection id by answering connects as well.
        _client = new TrackerClient();
        _tracker = _client.GetTracker(new Uri($"udp://127.0.0.1:{((IPEndPoint)_server.Client.LocalEndPoint!).Port}/announce"));
        _request = new AnnounceRequest(InfoHash.Parse("0123456789abcdef0123456789abcdef01234567"), PeerId.CreateRandom(), 6881) { NumWant = 50 };
        _tracker.AnnounceAsync(_request).GetAwaiter().GetResult();
    }

    /// <summary>Stops the responder.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _stop.Cancel();
        _server.Dispose();
        _client.Dispose();
    }

    /// <summary>One announce and its answer.</summary>
    [Benchmark]
    public async Task<int> Announce() => (await _tracker.AnnounceAsync(_request)).Peers.Count;

    private async Task ServeAsync()
    {
        var peers = new byte[50 * 6];
        for (int i = 0; i < 50; i++) peers[i * 6] = 10;
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult received;
            try
            {
                received = await _server.ReceiveAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested) return;
                continue;
            }
            var request = received.Buffer;
            int action = BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(8));
            byte[] reply = action == 0 ? new byte[16] : new byte[20 + peers.Length];
            BinaryPrimitives.WriteInt32BigEndian(reply, action);
            request.AsSpan(12, 4).CopyTo(reply.AsSpan(4));
            if (action == 1)
            {
                BinaryPrimitives.WriteInt32BigEndian(reply.AsSpan(8), 1800);
                peers.CopyTo(reply, 20);
            }
            await _server.SendAsync(reply, received.RemoteEndPoint);
        }
    }
}
