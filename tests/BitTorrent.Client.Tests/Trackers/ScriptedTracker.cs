using System.Buffers.Binary;
using System.Net;
using System.Threading.Channels;
using BitTorrent.Bencode;
using BitTorrent.Trackers;
using BitTorrent.Trackers.Tests;

namespace BitTorrent.Client.Tests.Trackers;

/// <summary>One announce as a scripted tracker received it.</summary>
internal sealed record Announce(TrackerEvent Event, int Port, long Uploaded, long Downloaded, long Left);

/// <summary>
/// A scripted HTTP or UDP tracker on 127.0.0.1 (over <see cref="ScriptedHttpTracker"/> or <see cref="ScriptedUdpTracker"/>)
/// that records every announce, sorted by the announcing client's port, and answers each with <see cref="Peers"/> and
/// <see cref="Interval"/>, or with a failure reason when <see cref="Refusal"/> is set.
/// </summary>
internal sealed class ScriptedTracker : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly Dictionary<int, Channel<Announce>> _byPort = [];
    private readonly ScriptedHttpTracker? _http;
    private readonly ScriptedUdpTracker? _udp;

    public ScriptedTracker(string protocol)
    {
        if (protocol == "udp") _udp = new ScriptedUdpTracker(RespondUdp);
        else _http = new ScriptedHttpTracker(RespondHttp);
    }

    public Uri Url => _udp?.Url() ?? _http!.Url();

    /// <summary>The peers every answer lists (127.0.0.1 ports).</summary>
    public IReadOnlyList<int> Peers { get; set; } = [];

    public int Interval { get; set; } = 1800;

    public string? Refusal { get; set; }

    /// <summary>Never answer a <c>stopped</c> announce (HTTP only: the connection is held open).</summary>
    public bool IgnoreStopped { get; set; }

    /// <summary>The next announce from the client listening on <paramref name="port"/>, waited for at most 30 s.</summary>
    public Task<Announce> NextAsync(int port) => Log(port).Reader.ReadAsync().AsTask().WaitAsync(Bound);

    /// <summary>An announce from that client already received, if any (for asserting that none came).</summary>
    public bool TryNext(int port, out Announce announce) => Log(port).Reader.TryRead(out announce!);

    private Channel<Announce> Log(int port)
    {
        lock (_byPort)
        {
            if (!_byPort.TryGetValue(port, out var log)) _byPort[port] = log = Channel.CreateUnbounded<Announce>();
            return log;
        }
    }

    private byte[] CompactPeers()
    {
        var peers = Peers;
        var bytes = new byte[peers.Count * 6];
        for (int i = 0; i < peers.Count; i++)
        {
            IPAddress.Loopback.TryWriteBytes(bytes.AsSpan(i * 6), out _);
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i * 6 + 4), (ushort)peers[i]);
        }
        return bytes;
    }

    private byte[]? RespondHttp(string target)
    {
        var query = target[(target.IndexOf('?') + 1)..].Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
        var trackerEvent = query.GetValueOrDefault("event") switch
        {
            "started" => TrackerEvent.Started, "completed" => TrackerEvent.Completed, "stopped" => TrackerEvent.Stopped, _ => TrackerEvent.None,
        };
        var announce = new Announce(trackerEvent, int.Parse(query["port"]), long.Parse(query["uploaded"]), long.Parse(query["downloaded"]),
            long.Parse(query["left"]));
        Log(announce.Port).Writer.TryWrite(announce);
        if (IgnoreStopped && trackerEvent == TrackerEvent.Stopped) return null;
        var body = Refusal is { } refusal
            ? new BDictionary { { "failure reason", refusal } }
            : new BDictionary { { "interval", Interval }, { "peers", CompactPeers() } };
        return ScriptedHttpTracker.Response(body.Encode());
    }

    /// <summary>BEP 15: a connect gets a connection id; an announce is read at its fixed offsets and answered.</summary>
    private IEnumerable<byte[]> RespondUdp(byte[] request)
    {
        if (ScriptedUdpTracker.Action(request) == 0) return [ScriptedUdpTracker.ConnectReply(request)];
        var announce = new Announce((TrackerEvent)BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(80)),
            BinaryPrimitives.ReadUInt16BigEndian(request.AsSpan(96)), BinaryPrimitives.ReadInt64BigEndian(request.AsSpan(72)),
            BinaryPrimitives.ReadInt64BigEndian(request.AsSpan(56)), BinaryPrimitives.ReadInt64BigEndian(request.AsSpan(64)));
        Log(announce.Port).Writer.TryWrite(announce);
        if (Refusal is { } refusal)
        {
            var message = System.Text.Encoding.UTF8.GetBytes(refusal);
            var error = ScriptedUdpTracker.Header(3, ScriptedUdpTracker.TransactionId(request), message.Length);
            message.CopyTo(error, 8);
            return [error];
        }
        return [ScriptedUdpTracker.AnnounceReply(request, Interval, 0, 1, CompactPeers())];
    }

    public async ValueTask DisposeAsync()
    {
        if (_http is not null) await _http.DisposeAsync();
        if (_udp is not null) await _udp.DisposeAsync();
    }
}
