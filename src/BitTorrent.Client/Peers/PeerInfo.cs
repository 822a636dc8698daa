using System.Net;

namespace BitTorrent.Client;

/// <summary>A snapshot of one connected peer of a torrent.</summary>
/// <param name="EndPoint">The peer's address on this connection.</param>
/// <param name="PeerId">The peer id from its handshake.</param>
/// <param name="Client">The peer's client, from its extended handshake's <c>v</c> or its peer id prefix.</param>
/// <param name="Source">How we learned of the peer.</param>
/// <param name="Direction">Who opened the connection.</param>
/// <param name="Flags">Choking, interest and capabilities.</param>
/// <param name="DownloadRate">Bytes per second received from the peer (5 s window).</param>
/// <param name="UploadRate">Bytes per second sent to the peer (5 s window).</param>
/// <param name="Downloaded">Piece bytes received from the peer.</param>
/// <param name="Uploaded">Piece bytes sent to the peer.</param>
/// <param name="Progress">The fraction of the pieces the peer has, 0 to 1 (0 while the metadata is unknown).</param>
public sealed record PeerInfo(
    IPEndPoint EndPoint,
    PeerId PeerId,
    string Client,
    PeerSource Source,
    PeerDirection Direction,
    PeerFlags Flags,
    double DownloadRate,
    double UploadRate,
    long Downloaded,
    long Uploaded,
    double Progress);
