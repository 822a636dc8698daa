using System.Net;
using BitTorrent.Wire;

namespace BitTorrent.Extensions;

/// <summary>Adapts a <see cref="Wire.Wire"/> to the seam the extension logic is written against.</summary>
internal sealed class WireExtensionHost : IExtensionWire
{
    private readonly Wire.Wire _wire;

    public WireExtensionHost(Wire.Wire wire)
    {
        _wire = wire ?? throw new ArgumentNullException(nameof(wire));
        _wire.Closed += (_, _) => Closed?.Invoke(this, EventArgs.Empty);
        _wire.ExtendedHandshakeReceived += (_, _) => ExtendedHandshakeReceived?.Invoke(this, EventArgs.Empty);
    }

    public event EventHandler? Closed;

    public event EventHandler? ExtendedHandshakeReceived;

    public TimeProvider TimeProvider => _wire.TimeProvider;

    public bool IsClosed => _wire.IsClosed;

    public EndPoint? LocalEndPoint => _wire.LocalEndPoint;

    public InfoHash? InfoHash => _wire.InfoHash;

    public bool HasFast => _wire.HasFast;

    public int PeerPieceCount => _wire.PeerPieces.Length;

    public bool PeerSupportsExtension(string name) => _wire.PeerSupportsExtension(name);

    public void SendExtended(string name, ReadOnlySpan<byte> payload) => _wire.Extended(name, payload);

    public void CloseForViolation(string message) => _wire.Close(WireCloseReason.ExtensionViolation, message);

    public void SetExtendedHandshakeValue(string key, long value) => _wire.ExtendedHandshake[key] = value;

    public bool PeerHasPiece(int index) => _wire.PeerPieces.Get(index);

    public void ClearPeerPiece(int index) => _wire.PeerPieces.Set(index, false);

    public int FailRequestsForDontHave(int index) => _wire.FailRequests(index, WireRequestFailure.DontHave);
}
