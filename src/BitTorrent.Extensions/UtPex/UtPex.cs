using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitTorrent.Extensions;

/// <summary>
/// BEP 11 peer exchange on one wire, with the behaviour of the npm ut_pex 5.x: <see cref="Start"/> sends the pending
/// added/dropped peers every 65 s (through the wire's <c>TimeProvider</c>), at most 50 added and 50 dropped per
/// message, never adding and dropping the same peer in one message; received peers are reported once each through
/// <see cref="PeerAdded"/> and <see cref="PeerDropped"/>.
/// </summary>
/// <remarks>
/// Differences from the JS module, on purpose: nothing is sent (and nothing throws) while the peer has not
/// advertised ut_pex, and an interval with nothing pending sends nothing; addresses are checked when they are added;
/// a received message is decoded completely before any of it is applied, so a malformed message changes nothing;
/// at most <see cref="UtPexOptions.MaxReceivedPeersPerMessage"/> peers are read from one message; our own address
/// (the wire's local end point, which libtorrent lists back to us, or our advertised listen port <c>p</c> on our local
/// address or on the peer-reported <c>yourip</c>) and port-0 or unspecified entries are skipped. A peer sending
/// more than <see cref="UtPexOptions.MaxMessagesPerFloodWindow"/> (6) messages within <see cref="UtPexOptions.FloodWindow"/>
/// (60 s) is disconnected (<c>WireCloseReason.ExtensionViolation</c>, with the reason as the message), as libtorrent's
/// receiver does; the JS module's rule (two messages less than 60 s apart) disconnects libtorrent and aria2, whose
/// 60 s messages can arrive back to back after a read pause.
/// Use it as <c>wire.Use(w =&gt; new UtPex(w))</c>. It stops when the wire closes; <see cref="Dispose"/> stops it
/// earlier, for good: its timer ends, received messages are ignored and nothing more is sent.
/// </remarks>
public sealed partial class UtPex : IDisposable
{
    private readonly IExtensionWire _wire;
    private readonly UtPexOptions _options;
    private readonly Lock _gate = new();
    private readonly OrderedDictionary<IPEndPoint, PexFlags> _localAdded = [];
    private readonly OrderedDictionary<IPEndPoint, bool> _localDropped = [];
    private readonly OrderedDictionary<IPEndPoint, bool> _remoteAdded = [];
    private readonly OrderedDictionary<IPEndPoint, bool> _remoteDropped = [];
    private readonly PexFloodRule _flood;
    private readonly ILogger _logger;
    private ITimer? _timer;
    private bool _disposed;

    internal UtPex(IExtensionWire wire, UtPexOptions? options)
    {
        _wire = wire ?? throw new ArgumentNullException(nameof(wire));
        _options = options ?? new UtPexOptions();
        _flood = new PexFloodRule(wire.TimeProvider, _options.FloodWindow, _options.MaxMessagesPerFloodWindow);
        _logger = (_options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<UtPex>();
        _wire.Closed += OnWireClosed;
    }

    /// <summary>The BEP 10 name, <c>ut_pex</c>.</summary>
    public string Name => ExtensionNames.UtPex;

    /// <summary>True between <see cref="Start"/> and <see cref="Stop"/> (or <see cref="Reset"/>).</summary>
    public bool IsStarted
    {
        get { lock (_gate) return _timer is not null; }
    }

    /// <summary>True once the peer's extended handshake mapped ut_pex.</summary>
    public bool PeerSupported => _wire.PeerSupportsExtension(ExtensionNames.UtPex);

    /// <summary>The remote side listed a peer we had not heard about from it (or had heard dropped).</summary>
    public event EventHandler<PexPeerEventArgs>? PeerAdded;

    /// <summary>The remote side listed a peer as dropped.</summary>
    public event EventHandler<PexPeerEventArgs>? PeerDropped;

    /// <summary>A received message was malformed or too large, or the peer sent messages too often (and was disconnected).</summary>
    public event EventHandler<ExtensionWarningEventArgs>? Warning;

    /// <summary>
    /// Starts (or restarts) sending the pending peers every <see cref="UtPexOptions.Interval"/>. Nothing is sent at
    /// once: the first message goes out <see cref="UtPexOptions.FirstMessageDelay"/> (by default one interval) after this call.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The extension was disposed.</exception>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _timer?.Dispose();
            _timer = _wire.TimeProvider.CreateTimer(_ => SendPending(), null, _options.FirstMessageDelay ?? _options.Interval, _options.Interval);
        }
    }

    /// <summary>Stops sending; pending peers stay pending.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    /// <summary>Stops sending and forgets every pending and received peer.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
            _localAdded.Clear();
            _localDropped.Clear();
            _remoteAdded.Clear();
            _remoteDropped.Clear();
            _flood.Clear();
        }
    }

    /// <summary>Queues an IPv4 peer we connected to, for the next message. Ignored if the remote side told us about it.</summary>
    /// <exception cref="ArgumentException">The address is not IPv4 (or IPv4-mapped IPv6), or the port is 0.</exception>
    public void AddPeer(IPEndPoint peer, PexFlags flags = PexFlags.None) => Add(Check(peer, v6: false), flags);

    /// <summary>Queues an IPv6 peer we connected to, for the next message. Ignored if the remote side told us about it.</summary>
    /// <exception cref="ArgumentException">The address is not IPv6, or the port is 0.</exception>
    public void AddPeer6(IPEndPoint peer, PexFlags flags = PexFlags.None) => Add(Check(peer, v6: true), flags);

    /// <summary>Queues an IPv4 peer we disconnected from, for the next message. Ignored if the remote side told us it dropped it.</summary>
    /// <exception cref="ArgumentException">The address is not IPv4 (or IPv4-mapped IPv6), or the port is 0.</exception>
    public void DropPeer(IPEndPoint peer) => Drop(Check(peer, v6: false));

    /// <summary>Queues an IPv6 peer we disconnected from, for the next message. Ignored if the remote side told us it dropped it.</summary>
    /// <exception cref="ArgumentException">The address is not IPv6, or the port is 0.</exception>
    public void DropPeer6(IPEndPoint peer) => Drop(Check(peer, v6: true));

    /// <summary>Handles a ut_pex payload from the peer (called by the wire on its read loop).</summary>
    public void OnMessage(ReadOnlySpan<byte> payload)
    {
        bool flooding;
        lock (_gate)
        {
            if (_disposed) return;
            flooding = !_flood.TryRecord();
        }
        if (flooding)
        {
            Reset();
            string reason = $"Peer disconnected for sending PEX messages too frequently (more than {_options.MaxMessagesPerFloodWindow} in {_options.FloodWindow.TotalSeconds:0.#} s)";
            _logger.LogDebug("ut_pex: {Reason}", reason);
            Warning?.Invoke(this, new ExtensionWarningEventArgs(reason));
            _wire.CloseForViolation("ut_pex: " + reason);
            return;
        }

        PexMessage message;
        try
        {
            message = PexMessage.Decode(payload, _options.MaxReceivedPeersPerMessage);
        }
        catch (ExtensionMessageException e)
        {
            Warn("Ignored a malformed ut_pex message: " + e.Message, e);
            return;
        }
        if (message.IgnoredPeers > 0)
            Warn($"Ignored {message.IgnoredPeers} peers past the limit of {_options.MaxReceivedPeersPerMessage} per list in one ut_pex message");
        Apply(message);
    }

    /// <summary>Stops the send timer for good and detaches from the wire; later messages are ignored. Idempotent.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }
        _wire.Closed -= OnWireClosed;
    }

    private void OnWireClosed(object? sender, EventArgs e) => Stop();

    private void Warn(string message, Exception? exception = null)
    {
        _logger.LogDebug(exception, "ut_pex: {Warning}", message);
        Warning?.Invoke(this, new ExtensionWarningEventArgs(message, exception));
    }

    private void Apply(PexMessage message)
    {
        var own = _wire.OwnEndPoints.Select(Normalize).ToArray();
        var added = new List<PexPeer>();
        var dropped = new List<IPEndPoint>();
        lock (_gate)
        {
            foreach (var peer in message.Added)
            {
                var endPoint = Normalize(peer.EndPoint);
                if (!IsUsable(endPoint, own)) continue;
                _remoteDropped.Remove(endPoint);
                if (Remember(_remoteAdded, endPoint)) added.Add(peer with { EndPoint = endPoint });
            }
            foreach (var peer in message.Dropped)
            {
                var endPoint = Normalize(peer);
                if (!IsUsable(endPoint, own)) continue;
                _remoteAdded.Remove(endPoint);
                if (Remember(_remoteDropped, endPoint)) dropped.Add(endPoint);
            }
        }
        foreach (var peer in added) PeerAdded?.Invoke(this, new PexPeerEventArgs(peer.EndPoint, peer.Flags));
        foreach (var endPoint in dropped) PeerDropped?.Invoke(this, new PexPeerEventArgs(endPoint, PexFlags.None));
    }

    private bool Remember(OrderedDictionary<IPEndPoint, bool> set, IPEndPoint endPoint)
    {
        if (!set.TryAdd(endPoint, true)) return false;
        if (set.Count > _options.MaxRememberedPeers) set.RemoveAt(0);
        return true;
    }

    private static bool IsUsable(IPEndPoint endPoint, IPEndPoint[] own) =>
        endPoint.Port != 0
        && !endPoint.Address.Equals(IPAddress.Any) && !endPoint.Address.Equals(IPAddress.IPv6Any)
        && Array.IndexOf(own, endPoint) < 0;

    private static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    private static IPEndPoint Check(IPEndPoint peer, bool v6)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (peer.Port == 0) throw new ArgumentException($"{peer} has port 0", nameof(peer));
        var normalized = Normalize(peer);
        bool isV6 = normalized.AddressFamily == AddressFamily.InterNetworkV6;
        bool isV4 = normalized.AddressFamily == AddressFamily.InterNetwork;
        if (v6 ? !isV6 : !isV4)
            throw new ArgumentException($"{peer} is not an IPv{(v6 ? 6 : 4)} address; use {(v6 ? "AddPeer/DropPeer" : "AddPeer6/DropPeer6")}", nameof(peer));
        return normalized;
    }

    private void Add(IPEndPoint peer, PexFlags flags)
    {
        lock (_gate)
        {
            if (_remoteAdded.ContainsKey(peer)) return;
            _localDropped.Remove(peer);
            _localAdded[peer] = flags;
        }
    }

    private void Drop(IPEndPoint peer)
    {
        lock (_gate)
        {
            if (_remoteDropped.ContainsKey(peer)) return;
            _localAdded.Remove(peer);
            _localDropped[peer] = true;
        }
    }

    private void SendPending()
    {
        if (_wire.IsClosed)
        {
            Stop();
            return;
        }
        if (!PeerSupported) return;
        PexMessage message;
        lock (_gate)
        {
            if (_localAdded.Count == 0 && _localDropped.Count == 0) return;
            var added = new List<PexPeer>(Math.Min(_localAdded.Count, PexMessage.MaxPeersPerMessage));
            while (added.Count < PexMessage.MaxPeersPerMessage && _localAdded.Count > 0)
            {
                var (endPoint, flags) = _localAdded.GetAt(0);
                added.Add(new PexPeer(endPoint, flags));
                _localAdded.RemoveAt(0);
            }
            var dropped = new List<IPEndPoint>(Math.Min(_localDropped.Count, PexMessage.MaxPeersPerMessage));
            while (dropped.Count < PexMessage.MaxPeersPerMessage && _localDropped.Count > 0)
            {
                dropped.Add(_localDropped.GetAt(0).Key);
                _localDropped.RemoveAt(0);
            }
            message = new PexMessage(added, dropped);
        }
        var buffer = new ArrayBufferWriter<byte>(256);
        message.WriteTo(buffer);
        try
        {
            _wire.SendExtended(ExtensionNames.UtPex, buffer.WrittenSpan);
        }
        catch (InvalidOperationException)
        {
            // The wire closed, or the peer unmapped ut_pex, between the check and the send: this runs on a timer
            // thread, where an exception would end the process, so the message is dropped.
        }
    }
}
