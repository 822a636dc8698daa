using System.Net;
using BitTorrent.Client.Transport;
using BitTorrent.Encryption;
using BitTorrent.Extensions;
using BitTorrent.Wire;
using Microsoft.Extensions.Logging;

namespace BitTorrent.Client;

public sealed partial class TorrentSession
{
    private readonly List<Peer> _peers = [];
    private int _connecting;
    private int _knownPeers;
    private long _downloaded;
    private long _uploaded;

    /// <summary>Piece payload bytes received from all peers (duplicates and failed pieces included).</summary>
    public long Downloaded => Interlocked.Read(ref _downloaded);

    /// <summary>Piece payload bytes sent to all peers: counted when a block enters a connection's send buffer, so it runs
    /// ahead of the sockets by at most each wire's <see cref="Wire.WireOptions.OutboundHighWater"/> plus one block.</summary>
    public long Uploaded => Interlocked.Read(ref _uploaded);

    /// <summary>ut_pex as libtorrent runs it: the first list a second after the extended handshake, then every interval.</summary>
    private static readonly UtPexOptions PexOptions = new() { FirstMessageDelay = TimeSpan.FromSeconds(1) };

    /// <summary>A private torrent (BEP 27): peers come only from its trackers (and the application and incoming
    /// connections); no DHT, no peer exchange, and neither is advertised to its peers.</summary>
    private bool IsPrivate => _info?.IsPrivate == true;

    private WireExtensions OurExtensions => WireExtensions.Fast | (_engine.Dht is null || IsPrivate ? 0 : WireExtensions.Dht);

    private void AddCandidate(IPEndPoint endPoint, PeerSource source)
    {
        // A magnet link's metadata may turn out private after DHT or PEX lookups were already under way.
        if (IsPrivate && source is PeerSource.Dht or PeerSource.Pex) return;
        endPoint = TcpPeerTransport.Normalize(endPoint);
        if (_engine.IsOwnEndPoint(endPoint)) return;
        if (!_candidates.Add(endPoint, source)) return;
        NotQuiet();
        ConnectMore();
    }

    private bool AcceptsPeers => _state is TorrentState.FetchingMetadata or TorrentState.Downloading or TorrentState.Seeding;

    /// <summary>Dials due candidates while the torrent is below its connection limit.</summary>
    private void ConnectMore()
    {
        if (!AcceptsPeers) return;
        while (_peers.Count + _connecting < MaxPeers && _candidates.TryTake(out var endPoint, out var source))
        {
            if (!_engine.TryReserveConnection())
            {
                _candidates.MarkDisconnected(endPoint, failed: false);
                return;
            }
            _connecting++;
            _ = ConnectAsync(endPoint, source);
        }
    }

    private int MaxPeers => _engine.Options.MaxConnectionsPerTorrent;

    private async Task ConnectAsync(IPEndPoint endPoint, PeerSource source)
    {
        Peer? peer = null;
        bool halfOpen = false;
        try
        {
            await _engine.HalfOpen.WaitAsync(_stopping.Token).ConfigureAwait(false);
            halfOpen = true;
            // The deadline runs on the engine's clock, as every other timer here.
            using var deadline = new CancellationTokenSource(_engine.Options.ConnectTimeout, _engine.Options.TimeProvider);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, deadline.Token);
            // The wire's handshake below writes these bytes first; an MSE connection has already sent them as its IA.
            var ours = MseConnector.BitTorrentHandshake(InfoHash, _engine.PeerId, OurExtensions);
            var wire = await _engine.Transport.ConnectAsync(endPoint, InfoHash, ours, _engine.CreateWireOptions(_info?.PieceCount), timeout.Token)
                .ConfigureAwait(false);
            peer = new Peer(wire, endPoint, source, PeerDirection.Outgoing) { ListenEndPoint = endPoint, Pipeline = new RequestPipeline(_time) };
            // A close completes the wait with null, not an exception: a wait given up (the torrent stopped, the timeout)
            // leaves nobody to observe the task, and a faulted one would surface as an unobserved task exception.
            var handshake = new TaskCompletionSource<HandshakeEventArgs?>(TaskCreationOptions.RunContinuationsAsynchronously);
            string? closed = null;
            wire.HandshakeReceived += (_, e) => handshake.TrySetResult(e);
            wire.Closed += (_, e) =>
            {
                closed = e.ToString();
                handshake.TrySetResult(null);
            };
            Attach(peer);
            wire.Handshake(InfoHash, _engine.PeerId, OurExtensions);
            wire.Start();
            var received = await handshake.Task.WaitAsync(timeout.Token).ConfigureAwait(false)
                ?? throw new IOException($"closed before the handshake: {closed}");
            var admitted = peer;
            // A torrent stopped meanwhile never admits it: close it (its Closed gives the slot back).
            if (!_loop.Post(() => Admit(admitted, received))) admitted.Wire.Close(WireCloseReason.LocalEnd, "torrent stopped");
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or TimeoutException or System.Net.Sockets.SocketException)
        {
            _logger.LogDebug("{Torrent}: connecting to {EndPoint} failed: {Error}", Name, endPoint, ex.Message);
            peer?.Wire.Destroy();
            if (peer is null) _engine.ReleaseConnection();
            else peer.ReleaseSlot(_engine);
            _loop.Post(() =>
            {
                _connecting--;
                _candidates.MarkDisconnected(endPoint, failed: true);
            });
            return;
        }
        finally
        {
            if (halfOpen) _engine.HalfOpen.Release();
        }
        _loop.Post(() => _connecting--);
    }

    /// <summary>An incoming connection named this torrent (on the wire's thread, inside its HandshakeReceived).</summary>
    internal void AcceptIncoming(Wire.Wire wire, IPEndPoint remote, HandshakeEventArgs handshake)
    {
        if (!AcceptsPeers || !_engine.TryReserveConnection())
        {
            wire.Close(WireCloseReason.LocalEnd, "not accepting peers");
            return;
        }
        var peer = new Peer(wire, remote, PeerSource.Incoming, PeerDirection.Incoming) { Pipeline = new RequestPipeline(_time) };
        Attach(peer);
        wire.Handshake(InfoHash, _engine.PeerId, OurExtensions);
        if (!_loop.Post(() => Admit(peer, handshake)))
        {
            wire.Close(WireCloseReason.LocalEnd, "torrent stopped");
            peer.ReleaseSlot(_engine);
        }
    }

    /// <summary>Registers the extensions and routes the wire's events to the loop (before the wire's handshake goes out).</summary>
    private void Attach(Peer peer)
    {
        var wire = peer.Wire;
        wire.ExtendedHandshake["p"] = _engine.ListenPort;
        peer.Pex = IsPrivate ? null : wire.Use(w => new UtPex(w, PexOptions));
        peer.DontHave = wire.Use(w => new LtDontHave(w));
        peer.Metadata = _info is { } info ? wire.Use(w => new UtMetadata(w, info.RawInfo)) : wire.Use(w => new UtMetadata(w));
        wire.Closed += (_, e) =>
        {
            if (!_loop.Post(() => OnClosed(peer, e))) peer.ReleaseSlot(_engine); // closed after the torrent stopped
        };
        wire.BitfieldReceived += (_, e) =>
        {
            var bits = e.BitField.ToArray();
            _loop.Post(() => OnBitfield(peer, bits));
        };
        wire.HaveReceived += (_, e) => _loop.Post(() => OnHave(peer, e.Index));
        wire.HaveAllReceived += (_, _) => _loop.Post(() => OnHaveAll(peer));
        wire.HaveNoneReceived += (_, _) => _loop.Post(() => OnHaveNone(peer));
        peer.DontHave.DontHaveReceived += (_, e) => _loop.Post(() => OnDontHave(peer, e.Index));
        wire.PeerUnchoked += (_, _) => _loop.Post(() => FillRequests(peer));
        wire.AllowedFastReceived += (_, _) => _loop.Post(() => FillRequests(peer));
        wire.PeerInterestedReceived += (_, _) => _loop.Post(() => OnPeerInterest(peer));
        wire.PeerUninterestedReceived += (_, _) => _loop.Post(() => OnPeerInterest(peer));
        wire.ExtendedHandshakeReceived += (_, e) =>
        {
            var handshake = e.Handshake;
            _loop.Post(() => OnExtendedHandshake(peer, handshake));
        };
        if (peer.Pex is { } pex) pex.PeerAdded += (_, e) => _loop.Post(() => AddCandidate(e.EndPoint, PeerSource.Pex));
        peer.Metadata.MetadataReceived += (_, e) =>
        {
            var raw = e.Info.ToArray();
            _loop.Post(() => OnMetadata(raw));
        };
        peer.Metadata.Warning += (_, e) => _loop.Post(() => FetchMetadata());
        wire.PortReceived += (_, e) =>
        {
            if (!IsPrivate && _engine.Dht is { IsListening: true } dht && e.Port is > 0 and <= ushort.MaxValue)
                dht.AddNode(new IPEndPoint(peer.EndPoint.Address, e.Port));
        };
        wire.BlockReader = ServeAsync;
        wire.Download += (_, e) =>
        {
            Interlocked.Add(ref _downloaded, e.Bytes);
            _engine.Metrics.BytesDownloaded.Add(e.Bytes);
        };
        wire.Upload += (_, e) =>
        {
            Interlocked.Add(ref _uploaded, e.Bytes);
            _engine.Metrics.BytesUploaded.Add(e.Bytes);
        };
    }

    /// <summary>
    /// Two connections to one peer (both dialled each other at once, as after a PEX exchange): both sides must keep the
    /// same one, or each closes the other's and none is left. Kept is the one opened by the side with the greater peer
    /// id; when it is <paramref name="newcomer"/>, <paramref name="existing"/> is closed and true returned.
    /// </summary>
    private bool ReplacesDuplicate(Peer existing, Peer newcomer)
    {
        if (existing.Direction == newcomer.Direction) return false;
        var initiator = newcomer.Direction == PeerDirection.Outgoing ? _engine.PeerId : newcomer.PeerId;
        var other = newcomer.Direction == PeerDirection.Outgoing ? newcomer.PeerId : _engine.PeerId;
        if (string.CompareOrdinal(initiator.ToString(), other.ToString()) < 0) return false;
        existing.Wire.Close(WireCloseReason.LocalEnd, "duplicate connection: the one the other direction opened is kept");
        return true;
    }

    /// <summary>The handshake completed: join the torrent, unless the peer is ourselves, a duplicate, banned or over the limit.</summary>
    private void Admit(Peer peer, HandshakeEventArgs handshake)
    {
        peer.PeerId = handshake.PeerId;
        string? refusal = null;
        if (!AcceptsPeers) refusal = "torrent not running";
        else if (handshake.PeerId == _engine.PeerId) refusal = "connection to ourselves";
        else if (_peers.FirstOrDefault(p => p.PeerId == handshake.PeerId) is { } existing && !ReplacesDuplicate(existing, peer))
            refusal = "already connected to this peer";
        else if (_peers.Count >= MaxPeers) refusal = "torrent connection limit";
        else if (_candidates.IsBanned(peer.EndPoint) || _bannedPeerIds.Contains(handshake.PeerId)) refusal = "banned";
        if (refusal is not null)
        {
            if (handshake.PeerId == _engine.PeerId && peer.ListenEndPoint is { } self) _candidates.Ban(self);
            peer.Gone = true;
            peer.Wire.Close(WireCloseReason.LocalEnd, refusal);
            peer.ReleaseSlot(_engine);
            if (peer.Direction == PeerDirection.Outgoing) _candidates.MarkDisconnected(peer.EndPoint, failed: false);
            return;
        }
        peer.Admitted = true;
        peer.LastBlockTimestamp = peer.ConnectedAt = _time.GetTimestamp();
        _peers.Add(peer);
        NotQuiet();
        if (peer.ListenEndPoint is { } listen) _candidates.MarkConnected(listen, peer.Source);
        if (_info is { } info)
        {
            peer.Pieces.SetLength(info.PieceCount);
            SendPieces(peer);
        }
        else if (peer.Wire.HasFast) peer.Wire.HaveNone();
        if (!IsPrivate && _engine.Dht is { IsListening: true } dht && peer.Wire.PeerExtensions.HasFlag(WireExtensions.Dht))
            peer.Wire.Port((ushort)dht.LocalEndPoint!.Port);
        peer.Wire.SetKeepAlive(true);
        _engine.Metrics.PeersConnected.Add(1);
        var snapshot = Snapshot(peer);
        _engine.Alerts.Post(new PeerConnectedAlert(InfoHash, _engine.Alerts.Now, snapshot));
        _logger.LogDebug("{Torrent}: peer {EndPoint} ({Source}, {Direction}) joined", Name, peer.EndPoint, peer.Source, peer.Direction);
        if (peer.ListenEndPoint is { } shared) ShareWithPex(shared, add: true);
        OnPeerInterest(peer);
        UpdateInterest(peer);
        FetchMetadata();
        RefreshPeerSnapshot();
    }

    private void OnExtendedHandshake(Peer peer, ExtendedHandshake handshake)
    {
        if (peer.Gone) return;
        peer.ClientVersion = handshake.V;
        if (peer.Direction == PeerDirection.Incoming && handshake.P is int port && peer.ListenEndPoint is null)
        {
            peer.ListenEndPoint = new IPEndPoint(peer.EndPoint.Address, port);
            _candidates.MarkConnected(peer.ListenEndPoint, PeerSource.Incoming);
            if (peer.Admitted) ShareWithPex(peer.ListenEndPoint, add: true);
        }
        if (handshake.Reqq is long reqq)
        {
            peer.QueueDepth = (int)Math.Clamp(reqq - 1, 1, MaxQueueDepth);
            peer.Pipeline.PeerRequestQueue = (int)Math.Clamp(reqq, 2, MaxQueueDepth + 1);
        }
        if (peer.Pex is { PeerSupported: true } pex && !pex.IsStarted)
        {
            pex.Start();
            foreach (var other in _peers)
                if (other != peer && other.ListenEndPoint is { } ep) AddToPex(pex, ep);
        }
        if (_info is null) FetchMetadata();
    }

    private void OnClosed(Peer peer, WireClosedEventArgs reason)
    {
        if (peer.Gone) return;
        peer.Gone = true;
        peer.ReleaseSlot(_engine);
        if (!peer.Admitted) return;
        _peers.Remove(peer);
        if (peer.Direction == PeerDirection.Outgoing) _candidates.MarkDisconnected(peer.EndPoint, failed: false);
        else if (peer.ListenEndPoint is { } listen) _candidates.MarkDisconnected(listen, failed: false);
        ForgetPeerPieces(peer);
        if (peer.ListenEndPoint is { } shared) ShareWithPex(shared, add: false);
        _engine.Metrics.PeersDisconnected.Add(1);
        _engine.Alerts.Post(new PeerDisconnectedAlert(InfoHash, _engine.Alerts.Now, peer.EndPoint, peer.Source, reason.ToString()));
        _logger.LogDebug("{Torrent}: peer {EndPoint} left: {Reason}", Name, peer.EndPoint, reason);
        if (_state == TorrentState.FetchingMetadata) FetchMetadata();
        foreach (var other in _peers) FillRequests(other);
        ConnectMore();
        RefreshPeerSnapshot();
    }

    private void CloseAllPeers(string reason)
    {
        foreach (var peer in _peers.ToList()) peer.Wire.Close(WireCloseReason.LocalEnd, reason);
    }

    /// <summary>Tells every other peer with ut_pex that <paramref name="endPoint"/> joined or left (BEP 11 batches it).</summary>
    private void ShareWithPex(IPEndPoint endPoint, bool add)
    {
        if (IsPrivate) return;
        foreach (var other in _peers)
        {
            if (other.Pex is not { IsStarted: true } pex || endPoint.Equals(other.ListenEndPoint)) continue;
            if (add) AddToPex(pex, endPoint);
            else if (endPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) pex.DropPeer(endPoint);
            else pex.DropPeer6(endPoint);
        }
    }

    private static void AddToPex(UtPex pex, IPEndPoint endPoint)
    {
        if (endPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) pex.AddPeer(endPoint);
        else pex.AddPeer6(endPoint);
    }

    private PeerInfo Snapshot(Peer peer)
    {
        var wire = peer.Wire;
        int count = _info?.PieceCount ?? 0;
        var flags = (wire.AmChoking ? PeerFlags.AmChoking : 0) | (wire.AmInterested ? PeerFlags.AmInterested : 0)
            | (wire.PeerChoking ? PeerFlags.PeerChoking : 0) | (wire.PeerInterested ? PeerFlags.PeerInterested : 0)
            | (peer.IsSeed(count) ? PeerFlags.Seed : 0) | (wire.HasFast ? PeerFlags.Fast : 0)
            | (wire.PeerExtensions.HasFlag(WireExtensions.Extended) ? PeerFlags.Extended : 0)
            | (IsSnubbed(peer) ? PeerFlags.Snubbed : 0)
            | (peer.Pex?.PeerSupported == true ? PeerFlags.Pex : 0) | (peer.DontHave?.PeerSupported == true ? PeerFlags.DontHave : 0)
            | (wire.Connection.IsEncrypted ? PeerFlags.Encrypted : 0);
        double progress = count == 0 ? 0 : peer.Pieces.HasAll ? 1 : (double)peer.Pieces.Count / count;
        return new PeerInfo(peer.EndPoint, peer.PeerId, peer.Client, peer.Source, peer.Direction, flags,
            wire.DownloadSpeed, wire.UploadSpeed, wire.Downloaded, wire.Uploaded, progress);
    }

    private void RefreshPeerSnapshot()
    {
        _peerSnapshot = [.. _peers.Select(Snapshot)];
        Volatile.Write(ref _knownPeers, _peers.Count + _candidates.Idle);
    }
}
