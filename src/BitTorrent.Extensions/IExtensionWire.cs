using System.Net;

namespace BitTorrent.Extensions;

/// <summary>
/// What the extensions need from a peer wire. The extension logic is written against this seam, so it can be driven
/// by the real <c>BitTorrent.Wire.Wire</c> (through an adapter) or, in unit tests, by a scripted fake.
/// </summary>
internal interface IExtensionWire
{
    /// <summary>The clock for every timer.</summary>
    TimeProvider TimeProvider { get; }

    /// <summary>True once the wire is closed.</summary>
    bool IsClosed { get; }

    /// <summary>Our end of the connection (null for in-memory transports).</summary>
    EndPoint? LocalEndPoint { get; }

    /// <summary>The info hash of our handshake, once sent.</summary>
    InfoHash? InfoHash { get; }

    /// <summary>True when both sides set the Fast extension bit.</summary>
    bool HasFast { get; }

    /// <summary>The number of pieces the wire tracks for the peer (0 when unknown).</summary>
    int PeerPieceCount { get; }

    /// <summary>True when the peer's extended handshake mapped <paramref name="name"/> to a non-zero id.</summary>
    bool PeerSupportsExtension(string name);

    /// <summary>Sends an extended message to the peer using the peer's id for <paramref name="name"/>.</summary>
    void SendExtended(string name, ReadOnlySpan<byte> payload);

    /// <summary>Closes the wire because the peer broke an extension's rules.</summary>
    void CloseForViolation(string message);

    /// <summary>Sets an integer key of our extended handshake (e.g. <c>metadata_size</c>).</summary>
    void SetExtendedHandshakeValue(string key, long value);

    /// <summary>True when the peer has announced piece <paramref name="index"/>.</summary>
    bool PeerHasPiece(int index);

    /// <summary>Marks piece <paramref name="index"/> as not held by the peer.</summary>
    void ClearPeerPiece(int index);

    /// <summary>Fails our outstanding requests for piece <paramref name="index"/> because the peer no longer has it; returns how many.</summary>
    int FailRequestsForDontHave(int index);

    /// <summary>Raised when the wire closes.</summary>
    event EventHandler? Closed;

    /// <summary>Raised after every extended handshake from the peer (whether or not it maps a given extension).</summary>
    event EventHandler? ExtendedHandshakeReceived;
}
