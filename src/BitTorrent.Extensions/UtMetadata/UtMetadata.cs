using System.Buffers;
using BitTorrent.Bencode;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitTorrent.Extensions;

/// <summary>
/// BEP 9 metadata exchange on one wire: <see cref="Fetch"/> downloads the info dictionary from a peer that knows it
/// (its extended handshake carries <c>metadata_size</c>), checks its SHA-1 against the info hash and raises
/// <see cref="MetadataReceived"/> with the raw bytes; when we have the metadata (<see cref="SetMetadata"/> or the
/// constructor) we advertise <c>metadata_size</c> and serve 16 KiB pieces on request.
/// </summary>
/// <remarks>
/// Beyond the npm ut_metadata 4.x: every piece index, length and <c>total_size</c> is validated, out-of-range requests
/// are rejected, the data message's dictionary is parsed with <see cref="BencodeReader"/> (no "ee" search), the bytes
/// handed out are the peer's exact bytes (never re-encoded), at most <see cref="UtMetadataOptions.MaxOutstandingRequests"/>
/// requests are in flight, a hash mismatch is retried <see cref="UtMetadataOptions.MaxRetries"/> times, and a peer that
/// stays silent for <see cref="UtMetadataOptions.Timeout"/> ends the fetch with a <see cref="Warning"/>; a peer asking
/// for more than <see cref="UtMetadataOptions.MaxServesPerPiece"/> times the piece count gets rejects (BEP 9 flood protection).
/// Memory follows what arrives (16 KiB per piece received), never the size a peer advertises. Several wires of one
/// torrent can share one <see cref="MetadataFetch"/> (<c>new UtMetadata(wire, fetch)</c>): they split the pieces and
/// the torrent holds one assembly; then the fetch's <see cref="MetadataFetch.MetadataReceived"/> is raised once per
/// torrent, and this instance's <see cref="MetadataReceived"/> only on the wire that completed it.
/// Use it as <c>wire.Use(w =&gt; new UtMetadata(w))</c>, before the extended handshake is sent. It stops when the wire
/// closes; <see cref="Dispose"/> stops it earlier, for good (received messages are ignored, nothing more is sent).
/// </remarks>
public sealed partial class UtMetadata : IDisposable
{
    private readonly IExtensionWire _wire;
    private readonly UtMetadataOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly HashSet<int> _outstanding = [];
    private readonly MetadataFetch? _sharedFetch;
    private MetadataFetch? _fetch;
    private byte[]? _metadata;
    private InfoHash? _infoHash;
    private int? _peerMetadataSize;
    private bool _fetching;
    private bool _joined;
    private bool _disposed;
    private int _remainingRejects;
    private int _retriesLeft;
    private ITimer? _timeout;
    private int _served;

    internal UtMetadata(IExtensionWire wire, ReadOnlyMemory<byte> metadata, UtMetadataOptions? options, MetadataFetch? fetch = null)
    {
        _wire = wire ?? throw new ArgumentNullException(nameof(wire));
        _options = options ?? new UtMetadataOptions();
        _logger = (_options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<UtMetadata>();
        _infoHash = fetch?.InfoHash ?? wire.InfoHash;
        if (fetch is not null && wire.InfoHash is { } ours && ours != fetch.InfoHash)
            throw new ArgumentException($"the fetch is for {fetch.InfoHash}, the wire for {ours}", nameof(fetch));
        _sharedFetch = fetch;
        _wire.ExtendedHandshakeReceived += OnAnyExtendedHandshake;
        _wire.Closed += OnWireClosed;
        if (!metadata.IsEmpty && !SetMetadata(metadata))
            throw new ArgumentException("the metadata's SHA-1 is not the wire's info hash", nameof(metadata));
    }

    /// <summary>The BEP 10 name, <c>ut_metadata</c>.</summary>
    public string Name => ExtensionNames.UtMetadata;

    /// <summary>The verified raw info dictionary, once known; null before.</summary>
    public ReadOnlyMemory<byte>? Metadata
    {
        get { lock (_gate) return KnownMetadataLocked(); }
    }

    /// <summary>True once the metadata is known (here, or through the shared <see cref="MetadataFetch"/>).</summary>
    public bool IsComplete
    {
        get { lock (_gate) return KnownMetadataLocked() is not null; }
    }

    /// <summary>True between <see cref="Fetch"/> and the end of the fetch (success, warning or <see cref="Cancel"/>).</summary>
    public bool IsFetching
    {
        get { lock (_gate) return _fetching; }
    }

    /// <summary>The <c>metadata_size</c> the peer advertised, once its extended handshake arrived with a valid one.</summary>
    public int? PeerMetadataSize
    {
        get { lock (_gate) return _peerMetadataSize; }
    }

    /// <summary>The metadata was fetched and verified (or set with <see cref="SetMetadata"/>).</summary>
    public event EventHandler<MetadataEventArgs>? MetadataReceived;

    /// <summary>A fetch problem: the peer lacks ut_metadata or the metadata, gave a bad size, sent bad data, rejected
    /// too often, sent metadata that failed the hash check, or stayed silent past the timeout.</summary>
    public event EventHandler<ExtensionWarningEventArgs>? Warning;

    /// <summary>Wraps a raw info dictionary as a minimal torrent file, <c>d4:info&lt;info&gt;e</c>, without re-encoding it.</summary>
    public static byte[] WrapAsTorrent(ReadOnlySpan<byte> info)
    {
        var torrent = new byte[info.Length + 8];
        "d4:info"u8.CopyTo(torrent);
        info.CopyTo(torrent.AsSpan(7));
        torrent[^1] = (byte)'e';
        return torrent;
    }

    /// <summary>
    /// Starts fetching the metadata from the peer (or continues, if the peer's size is not known yet). Does nothing
    /// when the metadata is already known. A fetch ends with <see cref="MetadataReceived"/> or a <see cref="Warning"/>
    /// (with a shared <see cref="MetadataFetch"/>, also when another wire completes it).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The extension was disposed.</exception>
    public void Fetch()
    {
        List<int> requests = [];
        string? warning = null;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (KnownMetadataLocked() is not null || _fetching) return;
            _fetching = true;
            _retriesLeft = _options.MaxRetries;
            ArmTimeout();
            if (_peerMetadataSize is { } size) requests = BeginLocked(size, out warning);
        }
        if (warning is not null) Warn(warning);
        SendRequests(requests);
    }

    /// <summary>Stops fetching; data arriving afterwards is ignored. A shared fetch goes on with the other wires.</summary>
    public void Cancel()
    {
        lock (_gate) StopLocked();
    }

    /// <summary>
    /// Sets the metadata to serve: an info dictionary, or a torrent file whose <c>info</c> value is used. When the info
    /// hash is known, the bytes must match it. Stops any fetch, sets <c>metadata_size</c> in our extended handshake
    /// (effective if it has not been sent yet) and raises <see cref="MetadataReceived"/>.
    /// </summary>
    /// <returns>True when the metadata is (now or already) known; false when it does not match the info hash.</returns>
    /// <exception cref="ArgumentException">The bytes are not a bencoded dictionary, or are larger than 10 MB.</exception>
    public bool SetMetadata(ReadOnlyMemory<byte> metadata)
    {
        var info = ExtractInfo(metadata.Span);
        if (info.Length > MetadataMessage.MaxMetadataSize)
            throw new ArgumentException($"the info dictionary is {info.Length} bytes; at most {MetadataMessage.MaxMetadataSize} are served", nameof(metadata));
        InfoHash hash;
        lock (_gate)
        {
            if (_metadata is not null) return true;
            hash = InfoHash.FromInfoDictionary(info);
            if (_infoHash is { } known && known != hash) return false;
            _metadata = info;
            StopLocked();
        }
        _wire.SetExtendedHandshakeValue("metadata_size", info.Length);
        MetadataReceived?.Invoke(this, new MetadataEventArgs(hash, info));
        return true;
    }

    /// <summary>The peer's BEP 3 handshake named <paramref name="infoHash"/>.</summary>
    internal void HandleHandshake(InfoHash infoHash)
    {
        lock (_gate) _infoHash ??= infoHash;
    }

    /// <summary>The peer's extended handshake mapped ut_metadata and carried <paramref name="size"/> as <c>metadata_size</c> (null when absent).</summary>
    internal void HandleExtendedHandshake(long? size)
    {
        string? warning = null;
        List<int> requests = [];
        lock (_gate)
        {
            if (_disposed || KnownMetadataLocked() is not null) return;
            if (size is null or 0) warning = "Peer does not have metadata";
            else if (size is < 0 or > MetadataMessage.MaxMetadataSize) warning = "Peer gave invalid metadata size";
            else
            {
                _peerMetadataSize = (int)size.Value;
                if (_fetching && !_joined) requests = BeginLocked(_peerMetadataSize.Value, out warning);
            }
        }
        if (warning is not null) Warn(warning);
        SendRequests(requests);
    }

    /// <summary>Handles a ut_metadata payload from the peer (called by the wire on its read loop).</summary>
    public void OnMessage(ReadOnlySpan<byte> payload)
    {
        lock (_gate)
        {
            if (_disposed) return;
        }
        MetadataMessage message;
        try
        {
            message = MetadataMessage.Decode(payload);
        }
        catch (ExtensionMessageException e)
        {
            Warn("Ignored a malformed ut_metadata message: " + e.Message, e);
            return;
        }
        switch (message.Type)
        {
            case MetadataMessageType.Request: OnRequest(message.Piece); break;
            case MetadataMessageType.Data: OnData(message.Piece, message.TotalSize, message.Data); break;
            case MetadataMessageType.Reject: OnReject(message.Piece); break;
            default: break; // BEP 9: unknown message types are ignored.
        }
    }

    /// <summary>Stops the fetch and its timer for good and detaches from the wire; later messages are ignored. Idempotent.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            StopLocked();
        }
        _wire.ExtendedHandshakeReceived -= OnAnyExtendedHandshake;
        _wire.Closed -= OnWireClosed;
    }

    private byte[]? KnownMetadataLocked() => _metadata ??= _sharedFetch?.VerifiedBytes;

    private void OnWireClosed(object? sender, EventArgs e) => Cancel();

    private void OnAnyExtendedHandshake(object? sender, EventArgs e)
    {
        bool warn;
        lock (_gate) warn = !_disposed && KnownMetadataLocked() is null && !_wire.PeerSupportsExtension(ExtensionNames.UtMetadata);
        if (warn) Warn("Peer does not support ut_metadata");
    }

    private void OnRequest(int piece)
    {
        byte[]? metadata;
        bool flooded = false;
        lock (_gate)
        {
            metadata = KnownMetadataLocked();
            if (metadata is not null)
                flooded = ++_served > (long)MetadataAssembler.GetPieceCount(metadata.Length) * _options.MaxServesPerPiece;
        }
        var buffer = new ArrayBufferWriter<byte>(64);
        if (metadata is null || flooded || piece >= MetadataAssembler.GetPieceCount(metadata.Length))
        {
            MetadataMessage.Reject(piece).WriteTo(buffer);
        }
        else
        {
            int start = piece * MetadataMessage.PieceLength;
            var data = metadata.AsSpan(start, Math.Min(MetadataMessage.PieceLength, metadata.Length - start));
            MetadataMessage.DataPiece(piece, metadata.Length, data).WriteTo(buffer);
        }
        Send(buffer.WrittenSpan);
    }

    private bool Send(ReadOnlySpan<byte> payload)
    {
        if (_wire.IsClosed || !_wire.PeerSupportsExtension(ExtensionNames.UtMetadata)) return false;
        try
        {
            _wire.SendExtended(ExtensionNames.UtMetadata, payload);
            return true;
        }
        catch (InvalidOperationException)
        {
            // The wire closed, or the peer unmapped ut_metadata, between the check and the send.
            return false;
        }
    }

    private void Warn(string message, Exception? exception = null)
    {
        _logger.LogDebug(exception, "ut_metadata: {Warning}", message);
        Warning?.Invoke(this, new ExtensionWarningEventArgs(message, exception));
    }

    private static byte[] ExtractInfo(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var reader = new BencodeReader(bytes, BencodeOptions.Lenient);
            if (reader.Peek() != BencodeToken.DictionaryStart) throw new ArgumentException("the metadata is not a bencoded dictionary", "metadata");
            var whole = reader.ReadRawValue();
            var inner = new BencodeReader(whole, BencodeOptions.Lenient);
            inner.ReadDictionaryStart();
            while (!inner.TryReadEnd())
            {
                bool isInfo = inner.ReadString().SequenceEqual("info"u8);
                if (isInfo && inner.Peek() == BencodeToken.DictionaryStart) return inner.ReadRawValue().ToArray();
                inner.ReadRawValue();
            }
            return whole.ToArray();
        }
        catch (BencodeException e)
        {
            throw new ArgumentException("the metadata is not valid bencode: " + e.Message, "metadata", e);
        }
    }
}
