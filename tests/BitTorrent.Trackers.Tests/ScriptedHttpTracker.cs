using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace BitTorrent.Trackers.Tests;

/// <summary>
/// A raw HTTP/1.1 server on 127.0.0.1 whose every answer is scripted byte for byte: one request per connection, the
/// request target handed to <see cref="Respond"/>, whose bytes are written back before the connection closes
/// (or, when it returns null, the connection is held open without an answer).
/// </summary>
internal sealed class ScriptedHttpTracker : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _held = [];
    private readonly Task _accepting;

    public ScriptedHttpTracker(Func<string, byte[]?> respond)
    {
        Respond = respond;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Func<string, byte[]?> Respond { get; set; }

    /// <summary>Whether a connection stays open after its answer (as a keep-alive server would) instead of closing.</summary>
    public bool HoldAfterAnswer { get; init; }

    /// <summary>The request targets (path and query) in arrival order.</summary>
    public Channel<string> Requests { get; } = Channel.CreateUnbounded<string>();

    /// <summary>The whole request heads (request line and headers) in arrival order.</summary>
    public Channel<string> Heads { get; } = Channel.CreateUnbounded<string>();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public Uri Url(string path = "/announce") => new($"http://127.0.0.1:{Port}{path}");

    public async Task<string> NextRequestAsync() => await Requests.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    public static byte[] Response(byte[] body, string status = "200 OK", params string[] headers)
    {
        var head = new StringBuilder($"HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: {body.Length}\r\n");
        foreach (var header in headers) head.Append(header).Append("\r\n");
        head.Append("\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. body];
    }

    public static byte[] Redirect(string location) => Response([], "302 Found", "Location: " + location);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            var head = new List<byte>();
            var one = new byte[1];
            while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
            {
                if (await stream.ReadAsync(one, _stop.Token) == 0) return;
                head.Add(one[0]);
            }
            string text = Encoding.ASCII.GetString([.. head]);
            string target = text.Split(' ')[1];
            await Heads.Writer.WriteAsync(text);
            await Requests.Writer.WriteAsync(target);
            var answer = Respond(target);
            if (answer is null)
            {
                lock (_held) _held.Add(client);
                return;
            }
            await stream.WriteAsync(answer, _stop.Token);
            if (HoldAfterAnswer) lock (_held) _held.Add(client);
            else client.Dispose();
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_held) foreach (var client in _held) client.Dispose();
        _stop.Dispose();
    }
}
