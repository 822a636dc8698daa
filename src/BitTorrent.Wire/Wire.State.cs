using System.Buffers;

namespace BitTorrent.Wire;

public sealed partial class Wire
{
    private readonly HashSet<int> _allowedFastSet = [];
    private readonly Queue<int> _peerAllowedFastOrder = new();
    private readonly HashSet<int> _peerAllowedFastSet = [];
    private bool _handshakeSent;

    /// <summary>The torrent of this connection: ours once we handshake, or the peer's when it handshakes first.</summary>
    public InfoHash? InfoHash { get; private set; }

    /// <summary>Our peer id, once we handshake.</summary>
    public PeerId? LocalPeerId { get; private set; }

    /// <summary>The remote peer's id, once its handshake arrives.</summary>
    public PeerId? PeerId { get; private set; }

    /// <summary>The extensions we announced (the extended bit is always set).</summary>
    public WireExtensions Extensions { get; private set; }

    /// <summary>The extensions the peer announced.</summary>
    public WireExtensions PeerExtensions { get; private set; }

    /// <summary>True when both sides announced the Fast Extension.</summary>
    public bool HasFast { get; private set; }

    /// <summary>We choke the peer (initially true).</summary>
    public bool AmChoking { get; private set; } = true;

    /// <summary>We are interested in the peer (initially false).</summary>
    public bool AmInterested { get; private set; }

    /// <summary>The peer chokes us (initially true).</summary>
    public bool PeerChoking { get; private set; } = true;

    /// <summary>The peer is interested in us (initially false).</summary>
    public bool PeerInterested { get; private set; }

    /// <summary>The pieces the peer has, from its bitfield, have, have-all and have-none messages.</summary>
    public BitField PeerPieces { get; }

    /// <summary>Pieces we allowed the peer to request while choked (BEP 6).</summary>
    public IReadOnlyCollection<int> AllowedFastSet
    {
        get { lock (_gate) return [.. _allowedFastSet]; }
    }

    /// <summary>Pieces the peer allowed us to request while choked; the most recent <see cref="WireOptions.MaxPeerAllowedFast"/>.</summary>
    public IReadOnlyCollection<int> PeerAllowedFastSet
    {
        get { lock (_gate) return [.. _peerAllowedFastOrder]; }
    }

    /// <summary>The peer's handshake arrived (the seed's 'handshake').</summary>
    public event EventHandler<HandshakeEventArgs>? HandshakeReceived;

    /// <summary>The peer choked us ('choke').</summary>
    public event EventHandler? PeerChoked;

    /// <summary>The peer unchoked us ('unchoke').</summary>
    public event EventHandler? PeerUnchoked;

    /// <summary>The peer became interested ('interested').</summary>
    public event EventHandler? PeerInterestedReceived;

    /// <summary>The peer is no longer interested ('uninterested').</summary>
    public event EventHandler? PeerUninterestedReceived;

    /// <summary>The peer has a new piece ('have'); a repeated have raises nothing.</summary>
    public event EventHandler<PieceIndexEventArgs>? HaveReceived;

    /// <summary>The peer sent its bitfield ('bitfield').</summary>
    public event EventHandler<BitfieldEventArgs>? BitfieldReceived;

    /// <summary>The peer has every piece ('have-all', BEP 6).</summary>
    public event EventHandler? HaveAllReceived;

    /// <summary>The peer has no piece ('have-none', BEP 6).</summary>
    public event EventHandler? HaveNoneReceived;

    /// <summary>The peer suggests a piece ('suggest', BEP 6).</summary>
    public event EventHandler<PieceIndexEventArgs>? SuggestReceived;

    /// <summary>The peer allows a piece while choking ('allowed-fast', BEP 6).</summary>
    public event EventHandler<PieceIndexEventArgs>? AllowedFastReceived;

    /// <summary>The peer's DHT port ('port', BEP 5).</summary>
    public event EventHandler<PortEventArgs>? PortReceived;

    /// <summary>
    /// Sends our handshake. Call it first on an outgoing connection, or from <see cref="HandshakeReceived"/> on an
    /// incoming one. The extended handshake follows once both handshakes are known.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called twice.</exception>
    public void Handshake(InfoHash infoHash, PeerId peerId, WireExtensions extensions = WireExtensions.Fast)
    {
        bool sendExtended;
        lock (_gate)
        {
            if (_handshakeSent) throw new InvalidOperationException("handshake already sent");
            if (InfoHash is { } peerHash && peerHash != infoHash)
                throw new InvalidOperationException($"the peer asked for {peerHash}, not {infoHash}");
            _handshakeSent = true;
            Extensions = extensions | WireExtensions.Extended;
            InfoHash = infoHash;
            LocalPeerId = peerId;
            HasFast = Extensions.HasFlag(WireExtensions.Fast) && PeerExtensions.HasFlag(WireExtensions.Fast);
            Span<byte> message = stackalloc byte[MessageWriter.HandshakeLength];
            MessageWriter.WriteHandshake(message, infoHash, peerId, Extensions);
            _outbound.Enqueue(message);
            sendExtended = _peerHandshakeReceived && PeerExtensions.HasFlag(WireExtensions.Extended);
        }
        if (sendExtended) SendExtendedHandshake();
    }

    private void OnHandshake(HandshakeEventArgs handshake)
    {
        bool sendExtended;
        lock (_gate)
        {
            if (_handshakeSent && InfoHash != handshake.InfoHash)
            {
                sendExtended = false;
            }
            else
            {
                InfoHash = handshake.InfoHash;
                PeerId = handshake.PeerId;
                PeerExtensions = handshake.Extensions;
                HasFast = Extensions.HasFlag(WireExtensions.Fast) && PeerExtensions.HasFlag(WireExtensions.Fast);
                sendExtended = _handshakeSent && PeerExtensions.HasFlag(WireExtensions.Extended);
            }
        }
        if (InfoHash != handshake.InfoHash)
        {
            Close(WireCloseReason.InfoHashMismatch, $"the peer asked for {handshake.InfoHash}, not {InfoHash}", null);
            return;
        }
        HandshakeReceived?.Invoke(this, handshake);
        foreach (var extension in SnapshotExtensions()) extension.OnHandshake(handshake);
        if (sendExtended) SendExtendedHandshake();
    }

    /// <summary>Chokes the peer. Without Fast its pending requests are dropped; with Fast those outside our allowed-fast set are rejected.</summary>
    public void Choke()
    {
        lock (_gate)
        {
            if (AmChoking || _closed) return;
            AmChoking = true;
            SendEmpty(MessageId.Choke);
            if (!HasFast)
            {
                _peerRequests.Clear();
                return;
            }
            for (int i = _peerRequests.Count - 1; i >= 0; i--)
            {
                var request = _peerRequests[i];
                if (_allowedFastSet.Contains(request.Index)) continue;
                _peerRequests.RemoveAt(i);
                SendBlock(MessageId.Reject, request);
            }
        }
    }

    /// <summary>Unchokes the peer.</summary>
    public void Unchoke()
    {
        lock (_gate)
        {
            if (!AmChoking || _closed) return;
            AmChoking = false;
            SendEmpty(MessageId.Unchoke);
        }
    }

    /// <summary>Tells the peer we are interested.</summary>
    public void Interested()
    {
        lock (_gate)
        {
            if (AmInterested || _closed) return;
            AmInterested = true;
            SendEmpty(MessageId.Interested);
        }
    }

    /// <summary>Tells the peer we are not interested.</summary>
    public void Uninterested()
    {
        lock (_gate)
        {
            if (!AmInterested || _closed) return;
            AmInterested = false;
            SendEmpty(MessageId.NotInterested);
        }
    }

    /// <summary>Announces that we have piece <paramref name="index"/>.</summary>
    public void Have(int index) => SendIndex(MessageId.Have, index);

    /// <summary>Sends our bitfield.</summary>
    public void Bitfield(BitField bitField) => Bitfield(bitField.ToArray());

    /// <summary>Sends our bitfield as raw wire-order bytes.</summary>
    public void Bitfield(ReadOnlySpan<byte> bits)
    {
        Span<byte> header = stackalloc byte[5];
        MessageWriter.WriteHeader(header, MessageId.Bitfield, bits.Length);
        lock (_gate) if (!_closed) _outbound.Enqueue(header, bits);
    }

    /// <summary>Sends our DHT port (BEP 5).</summary>
    public void Port(ushort port)
    {
        Span<byte> message = stackalloc byte[7];
        MessageWriter.WritePort(message, port);
        Send(message);
    }

    /// <summary>Sends one keep-alive.</summary>
    public void KeepAlive()
    {
        Span<byte> message = stackalloc byte[4];
        MessageWriter.WriteKeepAlive(message);
        Send(message);
    }

    /// <summary>Announces that we have every piece (BEP 6).</summary>
    /// <exception cref="InvalidOperationException">The Fast Extension was not negotiated.</exception>
    public void HaveAll() => SendFastEmpty(MessageId.HaveAll);

    /// <summary>Announces that we have no piece (BEP 6).</summary>
    /// <exception cref="InvalidOperationException">The Fast Extension was not negotiated.</exception>
    public void HaveNone() => SendFastEmpty(MessageId.HaveNone);

    /// <summary>Suggests a piece to the peer (BEP 6).</summary>
    /// <exception cref="InvalidOperationException">The Fast Extension was not negotiated.</exception>
    public void Suggest(int index)
    {
        EnsureFast();
        SendIndex(MessageId.Suggest, index);
    }

    /// <summary>Rejects one of the peer's requests (BEP 6) and forgets it.</summary>
    /// <exception cref="InvalidOperationException">The Fast Extension was not negotiated.</exception>
    public void Reject(int index, int begin, int length)
    {
        EnsureFast();
        var request = new BlockRequest(index, begin, length);
        lock (_gate)
        {
            _peerRequests.Remove(request);
            if (!_closed) SendBlock(MessageId.Reject, request);
        }
    }

    /// <summary>Allows the peer to request piece <paramref name="index"/> while we choke it (BEP 6).</summary>
    /// <exception cref="InvalidOperationException">The Fast Extension was not negotiated.</exception>
    public void AllowedFast(int index)
    {
        EnsureFast();
        lock (_gate)
        {
            if (!_allowedFastSet.Add(index) || _closed) return;
            Span<byte> message = stackalloc byte[9];
            MessageWriter.WriteIndex(message, MessageId.AllowedFast, index);
            _outbound.Enqueue(message);
        }
    }

    private void OnPeerChoke()
    {
        lock (_gate)
        {
            PeerChoking = true;
            StopRequestTimer();
        }
        PeerChoked?.Invoke(this, EventArgs.Empty);
        if (!HasFast) FailAllRequests(WireRequestFailure.Choked);
    }

    private void OnPeerUnchoke()
    {
        lock (_gate)
        {
            PeerChoking = false;
            SendQueuedRequests();
            ArmRequestTimer();
        }
        PeerUnchoked?.Invoke(this, EventArgs.Empty);
    }

    private void OnPeerInterested(bool interested)
    {
        lock (_gate) PeerInterested = interested;
        (interested ? PeerInterestedReceived : PeerUninterestedReceived)?.Invoke(this, EventArgs.Empty);
    }

    private void OnSuggest(int index)
    {
        if (CheckPieceIndex(MessageId.Suggest, index)) SuggestReceived?.Invoke(this, new PieceIndexEventArgs(index));
    }

    private void OnAllowedFast(int index)
    {
        if (!CheckPieceIndex(MessageId.AllowedFast, index)) return;
        lock (_gate)
        {
            if (_peerAllowedFastSet.Add(index))
            {
                _peerAllowedFastOrder.Enqueue(index);
                if (_peerAllowedFastOrder.Count > _options.MaxPeerAllowedFast)
                    _peerAllowedFastSet.Remove(_peerAllowedFastOrder.Dequeue());
            }
        }
        AllowedFastReceived?.Invoke(this, new PieceIndexEventArgs(index));
    }

    private void EnsureFast()
    {
        if (!HasFast) throw new InvalidOperationException("fast extension is disabled");
    }

    private void SendFastEmpty(MessageId id)
    {
        EnsureFast();
        lock (_gate) if (!_closed) SendEmpty(id);
    }

    private void SendEmpty(MessageId id)
    {
        Span<byte> message = stackalloc byte[5];
        MessageWriter.WriteEmpty(message, id);
        _outbound.Enqueue(message);
    }

    private void SendIndex(MessageId id, int index)
    {
        Span<byte> message = stackalloc byte[9];
        MessageWriter.WriteIndex(message, id, index);
        Send(message);
    }

    private void SendBlock(MessageId id, BlockRequest block)
    {
        Span<byte> message = stackalloc byte[17];
        MessageWriter.WriteBlock(message, id, block);
        _outbound.Enqueue(message);
    }

    private void Send(ReadOnlySpan<byte> message)
    {
        lock (_gate) if (!_closed) _outbound.Enqueue(message);
    }
}
