using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace BitTorrent.Trackers.Tests;

/// <summary>
/// A UDP tracker on loopback whose answers are scripted: every datagram is recorded and handed to
/// <see cref="Respond"/>, whose datagrams (none to stay silent) go back to the sender.
/// </summary>
internal sealed class ScriptedUdpTracker : IAsyncDisposable
{
    private readonly UdpClient _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public ScriptedUdpTracker(Func<byte[], IEnumerable<byte[]>> respond, IPAddress? address = null)
    {
        Respond = respond;
        _socket = new UdpClient(new IPEndPoint(address ?? IPAddress.Loopback, 0));
        _serving = ServeAsync();
    }

    public Func<byte[], IEnumerable<byte[]>> Respond { get; set; }

    public Channel<byte[]> Requests { get; } = Channel.CreateUnbounded<byte[]>();

    public IPEndPoint EndPoint => (IPEndPoint)_socket.Client.LocalEndPoint!;

    public Uri Url(string path = "/announce") => EndPoint.AddressFamily == AddressFamily.InterNetworkV6
        ? new($"udp://[::1]:{EndPoint.Port}{path}") : new($"udp://127.0.0.1:{EndPoint.Port}{path}");

    public async Task<byte[]> NextRequestAsync() => await Requests.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    public static int Action(byte[] request) => BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(8));

    public static int TransactionId(byte[] request) => BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(12));

    public static byte[] Header(int action, int transactionId, int extra = 0)
    {
        var packet = new byte[8 + extra];
        BinaryPrimitives.WriteInt32BigEndian(packet, action);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(4), transactionId);
        return packet;
    }

    public static byte[] ConnectReply(byte[] request, long connectionId = 0x1122334455667788)
    {
        var reply = Header(0, TransactionId(request), 8);
        BinaryPrimitives.WriteInt64BigEndian(reply.AsSpan(8), connectionId);
        return reply;
    }

    public static byte[] AnnounceReply(byte[] request, int interval, int leechers, int seeders, byte[] peers)
    {
        var reply = Header(1, TransactionId(request), 12 + peers.Length);
        BinaryPrimitives.WriteInt32BigEndian(reply.AsSpan(8), interval);
        BinaryPrimitives.WriteInt32BigEndian(reply.AsSpan(12), leechers);
        BinaryPrimitives.WriteInt32BigEndian(reply.AsSpan(16), seeders);
        peers.CopyTo(reply, 20);
        return reply;
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult received;
            try
            {
                received = await _socket.ReceiveAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                if (_stop.IsCancellationRequested) return;
                continue;
            }
            await Requests.Writer.WriteAsync(received.Buffer);
            foreach (var reply in Respond(received.Buffer)) await _socket.SendAsync(reply, received.RemoteEndPoint);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _serving;
        _stop.Dispose();
    }
}
