using BitTorrent.Bencode;
using Microsoft.Extensions.Logging;

namespace BitTorrent.Wire;

public sealed partial class Wire
{
    private readonly List<IWireExtension> _extensions = [];
    private readonly Dictionary<string, byte> _peerExtendedMapping = [];
    private bool _extendedHandshakeSent;

    /// <summary>
    /// Extra keys of our extended handshake (the seed's <c>extendedHandshake</c>), e.g. <c>metadata_size</c>.
    /// The wire adds <c>m</c>, and <c>reqq</c> and <c>v</c> unless set here. Changes after it was sent have no effect.
    /// </summary>
    public BDictionary ExtendedHandshake { get; } = [];

    /// <summary>The last extended handshake the peer sent.</summary>
    public ExtendedHandshake? PeerExtendedHandshake { get; private set; }

    /// <summary>Our extension ids: id to name, from 1 in <see cref="Use{T}"/> order.</summary>
    public IReadOnlyDictionary<byte, string> ExtendedMapping
    {
        get
        {
            lock (_gate) return _extensions.Select((e, i) => (Id: (byte)(i + 1), e.Name)).ToDictionary(p => p.Id, p => p.Name);
        }
    }

    /// <summary>The peer's extension ids: name to id, from the <c>m</c> of its latest extended handshake (each one replaces the last).</summary>
    public IReadOnlyDictionary<string, byte> PeerExtendedMapping
    {
        get { lock (_gate) return new Dictionary<string, byte>(_peerExtendedMapping); }
    }

    /// <summary>The peer's extended handshake arrived (the seed's 'extended' with 'handshake').</summary>
    public event EventHandler<ExtendedHandshakeEventArgs>? ExtendedHandshakeReceived;

    /// <summary>An extended message other than the handshake arrived (the seed's 'extended').</summary>
    public event EventHandler<ExtendedMessageEventArgs>? ExtendedMessageReceived;

    /// <summary>
    /// Adds an extension to this wire (the seed's <c>wire.use</c>): <paramref name="factory"/> builds the per-wire instance,
    /// which gets the next extended id. Call it before the extended handshake goes out.
    /// </summary>
    /// <exception cref="InvalidOperationException">The extended handshake was sent already, or the name is taken.</exception>
    public T Use<T>(Func<Wire, T> factory) where T : class, IWireExtension
    {
        ArgumentNullException.ThrowIfNull(factory);
        var extension = factory(this);
        lock (_gate)
        {
            if (_extendedHandshakeSent) throw new InvalidOperationException("extensions must be added before the extended handshake is sent");
            if (_extensions.Count == 255) throw new InvalidOperationException("at most 255 extensions");
            if (_extensions.Any(e => e.Name == extension.Name)) throw new InvalidOperationException($"extension {extension.Name} already in use");
            _extensions.Add(extension);
        }
        return extension;
    }

    /// <summary>The extension of type <typeparamref name="T"/> on this wire, or null (the seed's <c>wire[name]</c>).</summary>
    public T? GetExtension<T>() where T : class, IWireExtension
    {
        lock (_gate) return _extensions.OfType<T>().FirstOrDefault();
    }

    /// <summary>True when the peer's <c>m</c> maps <paramref name="name"/> to a non-zero id.</summary>
    public bool PeerSupportsExtension(string name)
    {
        lock (_gate) return _peerExtendedMapping.ContainsKey(name);
    }

    /// <summary>Sends an extended message to the peer's id for <paramref name="name"/>.</summary>
    /// <exception cref="InvalidOperationException">"Unrecognized extension": the peer did not advertise it.</exception>
    public void Extended(string name, ReadOnlySpan<byte> payload)
    {
        byte id;
        lock (_gate)
        {
            if (!_peerExtendedMapping.TryGetValue(name, out id)) throw new InvalidOperationException($"Unrecognized extension: {name}");
        }
        Extended(id, payload);
    }

    /// <summary>Bencodes <paramref name="payload"/> and sends it to the peer's id for <paramref name="name"/>.</summary>
    /// <exception cref="InvalidOperationException">"Unrecognized extension": the peer did not advertise it.</exception>
    public void Extended(string name, BValue payload) => Extended(name, payload.Encode());

    /// <summary>Sends an extended message with a raw id (0 is the extended handshake).</summary>
    public void Extended(byte id, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[6];
        MessageWriter.WriteHeader(header, MessageId.Extended, 1 + payload.Length);
        header[5] = id;
        lock (_gate) if (!_closed) _outbound.Enqueue(header, payload);
    }

    private IWireExtension[] SnapshotExtensions()
    {
        lock (_gate) return [.. _extensions];
    }

    private void SendExtendedHandshake()
    {
        BDictionary handshake;
        lock (_gate)
        {
            if (_extendedHandshakeSent) return;
            _extendedHandshakeSent = true;
            handshake = [];
            foreach (var (key, value) in ExtendedHandshake) handshake[key] = value;
            var m = new BDictionary();
            for (int i = 0; i < _extensions.Count; i++) m.Add(_extensions[i].Name, i + 1);
            handshake["m"] = m;
            if (!handshake.ContainsKey("reqq")) handshake["reqq"] = _options.MaxPeerRequests;
            if (!handshake.ContainsKey("v")) handshake["v"] = _options.ClientVersion;
        }
        Extended(0, handshake.Encode());
    }

    private void OnExtendedMessage(byte id, ReadOnlySpan<byte> payload)
    {
        if (id == 0)
        {
            OnExtendedHandshake(payload);
            return;
        }
        IWireExtension? extension;
        lock (_gate) extension = id <= _extensions.Count ? _extensions[id - 1] : null;
        extension?.OnMessage(payload);
        if (IsClosed) return; // the extension closed the wire: nothing more is raised
        ExtendedMessageReceived?.Invoke(this, new ExtendedMessageEventArgs(id, extension?.Name, payload.ToArray()));
    }

    private void OnExtendedHandshake(ReadOnlySpan<byte> payload)
    {
        ExtendedHandshake handshake;
        try
        {
            handshake = global::BitTorrent.Wire.ExtendedHandshake.Parse(payload);
        }
        catch (BencodeException ex)
        {
            // Like the seed and libtorrent, a bad extended handshake is ignored rather than fatal.
            _logger.LogDebug(ex, "ignoring an undecodable extended handshake");
            return;
        }
        List<IWireExtension> supported = [];
        lock (_gate)
        {
            PeerExtendedHandshake = handshake;
            // A repeated handshake replaces the mapping, so a peer cannot grow it by naming new extensions each time.
            _peerExtendedMapping.Clear();
            foreach (var (name, id) in handshake.M)
                if (id is > 0 and <= 255) _peerExtendedMapping[name] = (byte)id;
            // One below the peer's reqq: Transmission advertises 512 and rejects the 512th, late.
            if (handshake.Reqq is long reqq and > 0) _peerQueueLimit = (int)Math.Clamp(reqq - 1, 1, MaxHonouredReqq);
            foreach (var extension in _extensions)
                if (_peerExtendedMapping.ContainsKey(extension.Name)) supported.Add(extension);
            SendQueuedRequests();
        }
        foreach (var extension in supported)
        {
            if (IsClosed) return;
            extension.OnExtendedHandshake(handshake);
        }
        if (IsClosed) return;
        ExtendedHandshakeReceived?.Invoke(this, new ExtendedHandshakeEventArgs(handshake));
    }

    /// <summary>
    /// The most requests we keep in flight however large the peer's <c>reqq</c> (about libtorrent's 500; more only costs
    /// memory on both sides). Below it we keep one less than the peer advertises.
    /// </summary>
    public const int MaxHonouredReqq = 500;
}
