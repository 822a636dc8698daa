using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitTorrent.Extensions;

/// <summary>
/// BEP 54 lt_donthave on one wire, with the behaviour of the npm lt_donthave 2.x: <see cref="DontHave"/> tells the
/// peer we lost a piece (only if it advertised lt_donthave); a received donthave for a piece the peer had clears it
/// from the wire's <c>PeerPieces</c>, raises <see cref="DontHaveReceived"/> and ends our outstanding requests
/// for that piece. A donthave for a piece the peer never had is ignored without an event, as in the JS module.
/// </summary>
/// <remarks>
/// With the Fast extension negotiated we follow BEP 54 rather than the JS module: the peer must reject the requests
/// it will not serve, so they are left for its reject messages (and the request timeout) to end; without Fast they
/// fail at once with <c>WireRequestFailure.DontHave</c>. A payload that is not exactly 4 bytes, or an index
/// outside the torrent, is ignored with a <see cref="Warning"/> (the wire stays open, as libtorrent does). After the
/// peer's have-all with no known piece count (<c>WireOptions.PieceCount</c> unset) the piece cannot be cleared, so, as
/// in the JS module, the event fires and requests fail but <c>PeerPieces</c> still reports the piece. Requests are
/// ended before <see cref="DontHaveReceived"/> is raised, so the event can say how many were failed.
/// Use it as <c>wire.Use(w =&gt; new LtDontHave(w))</c>. <see cref="Dispose"/> stops it for good, as for the other
/// extensions: later messages are ignored and <see cref="DontHave"/> sends nothing.
/// </remarks>
public sealed partial class LtDontHave : IDisposable
{
    private readonly IExtensionWire _wire;
    private readonly ILogger _logger;
    private volatile bool _disposed;

    internal LtDontHave(IExtensionWire wire, LtDontHaveOptions? options)
    {
        _wire = wire ?? throw new ArgumentNullException(nameof(wire));
        _logger = (options?.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<LtDontHave>();
    }

    /// <summary>The BEP 10 name, <c>lt_donthave</c>.</summary>
    public string Name => ExtensionNames.LtDontHave;

    /// <summary>True once the peer's extended handshake mapped lt_donthave.</summary>
    public bool PeerSupported => _wire.PeerSupportsExtension(ExtensionNames.LtDontHave);

    /// <summary>The peer no longer has a piece it had.</summary>
    public event EventHandler<DontHaveEventArgs>? DontHaveReceived;

    /// <summary>A donthave message was malformed or out of range and was ignored.</summary>
    public event EventHandler<ExtensionWarningEventArgs>? Warning;

    /// <summary>Tells the peer we no longer have piece <paramref name="index"/> (the opposite of a have message).</summary>
    /// <returns>True when the message was sent; false when the peer did not advertise lt_donthave or the extension was
    /// disposed (nothing is sent).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    public bool DontHave(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if (_disposed || !PeerSupported) return false;
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)index);
        _wire.SendExtended(ExtensionNames.LtDontHave, payload);
        return true;
    }

    /// <summary>Handles an lt_donthave payload from the peer (called by the wire on its read loop).</summary>
    public void OnMessage(ReadOnlySpan<byte> payload)
    {
        if (_disposed) return;
        if (payload.Length != 4)
        {
            Warn($"Ignored an lt_donthave message of {payload.Length} bytes (it must be 4)");
            return;
        }
        uint index = BinaryPrimitives.ReadUInt32BigEndian(payload);
        int count = _wire.PeerPieceCount;
        if (index >= (uint)count && (count > 0 || index > int.MaxValue))
        {
            Warn($"Ignored lt_donthave for piece {index}: outside the peer's {count} pieces");
            return;
        }
        int piece = (int)index;
        if (!_wire.PeerHasPiece(piece)) return;
        _wire.ClearPeerPiece(piece);
        int failed = _wire.HasFast ? 0 : _wire.FailRequestsForDontHave(piece);
        DontHaveReceived?.Invoke(this, new DontHaveEventArgs(piece, failed));
    }

    /// <summary>Stops the extension for good: later messages are ignored and nothing more is sent. Idempotent.</summary>
    public void Dispose() => _disposed = true;

    private void Warn(string message)
    {
        _logger.LogDebug("lt_donthave: {Warning}", message);
        Warning?.Invoke(this, new ExtensionWarningEventArgs(message));
    }
}
