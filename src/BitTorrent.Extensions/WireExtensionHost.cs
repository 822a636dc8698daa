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

    public IReadOnlyCollection<IPEndPoint> OwnEndPoints
    {
        get
        {
            var own = new List<IPEndPoint>(3);
            var local = _wire.LocalEndPoint as IPEndPoint;
            if (local is not null) own.Add(local);
            if (_wire.ExtendedHandshake.GetInteger("p") is long port and > 0 and <= IPEndPoint.MaxPort)
            {
                if (local is not null) own.Add(new IPEndPoint(local.Address, (int)port));
                if (_wire.PeerExtendedHandshake?.YourIp is { } seen) own.Add(new IPEndPoint(seen, (int)port));
            }
            return own;
        }
    }

    public InfoHash? InfoHash => _wire.InfoHash;

    public bool HasFast => _wire.HasFast;

    public int PeerPieceCount => _wire.PeerPieces.Length;

    public bool PeerSupportsExtension(string name) => _wire.PeerSupportsExtension(name);

    public void SendExtended(string name, ReadOnlySpan<byte> payload) => _wire.Extended(name, payload);

    public void CloseForViolation(string message) => _wire.Close(WireCloseReason.ExtensionViolation, message);

    public void SetExtendedHandshakeValue(string key, long value) => _wire.ExtendedHandshake[key] = value;

    public bool PeerHasPiece(int index) => _wire.PeerPieces.Get(index);

    public void ClearPeerPiece(int index)
    {
        // After have-all with an unknown piece count there is no bitfield to narrow: clearing one bit would turn
        // "has everything" into "has nothing". Keep have-all, as the seed's bitfield does.
        var pieces = _wire.PeerPieces;
        if (pieces.HasAll && pieces.Length == 0) return;
        pieces.Set(index, false);
    }

    public int FailRequestsForDontHave(int index) => _wire.FailRequests(index, WireRequestFailure.DontHave);
}
