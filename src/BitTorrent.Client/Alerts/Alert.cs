using System.Net;

namespace BitTorrent.Client;

/// <summary>Something that happened to a torrent of a <see cref="ClientEngine"/>, read with <see cref="ClientEngine.ReadAlertsAsync"/>.</summary>
/// <param name="InfoHash">The torrent it concerns.</param>
/// <param name="Time">When it happened, on the engine's clock.</param>
public abstract record Alert(InfoHash InfoHash, DateTimeOffset Time);

/// <summary>A peer connection completed its handshake and joined the torrent.</summary>
/// <param name="InfoHash">The torrent.</param>
/// <param name="Time">When.</param>
/// <param name="Peer">The peer.</param>
public sealed record PeerConnectedAlert(InfoHash InfoHash, DateTimeOffset Time, PeerInfo Peer) : Alert(InfoHash, Time);

/// <summary>A peer connection closed.</summary>
/// <param name="InfoHash">The torrent.</param>
/// <param name="Time">When.</param>
/// <param name="EndPoint">The peer's address.</param>
/// <param name="Source">How we learned of the peer.</param>
/// <param name="Reason">Why the connection closed.</param>
public sealed record PeerDisconnectedAlert(InfoHash InfoHash, DateTimeOffset Time, IPEndPoint EndPoint, PeerSource Source, string Reason)
    : Alert(InfoHash, Time);

/// <summary>A peer was banned for sending data that failed hash checks.</summary>
/// <param name="InfoHash">The torrent.</param>
/// <param name="Time">When.</param>
/// <param name="EndPoint">The banned peer's address.</param>
public sealed record PeerBannedAlert(InfoHash InfoHash, DateTimeOffset Time, IPEndPoint EndPoint) : Alert(InfoHash, Time);

/// <summary>The info dictionary arrived from peers (BEP 9) and matched the info hash.</summary>
/// <param name="InfoHash">The torrent.</param>
/// <param name="Time">When.</param>
/// <param name="Name">The torrent's name.</param>
/// <param name="PieceCount">Its number of pieces.</param>
public sealed record MetadataReceivedAlert(InfoHash InfoHash, DateTimeOffset Time, string Name, int PieceCount) : Alert(InfoHash, Time);

/// <summary>A downloaded piece matched its SHA-1 and was written.</summary>
/// <param name="InfoHash">The torrent.</param>
/// <param name="Time">When.</param>
/// <param name="Piece">The piece index.</param>
public sealed record PieceVerifiedAlert(InfoHash InfoHash, DateTimeOffset Time, int Piece) : Alert(InfoHash, Time);

/// <summary>A downloaded piece failed its SHA-1 check and is downloaded again.</summary>
/// <param name="InfoHash">The torrent.</param>
/// <param name="Time">When.</param>
/// <param name="Piece">The piece index.</param>
/// <param name="Peers">The peers that sent blocks of it.</param>
public sealed record HashFailedAlert(InfoHash InfoHash, DateTimeOffset Time, int Piece, IReadOnlyList<IPEndPoint> Peers) : Alert(InfoHash, Time);

/// <summary>The torrent changed state.</summary>
/// <param name="InfoHash">The torrent.</param>
/// <param name="Time">When.</param>
/// <param name="Previous">The state before.</param>
/// <param name="State">The state now.</param>
public sealed record StateChangedAlert(InfoHash InfoHash, DateTimeOffset Time, TorrentState Previous, TorrentState State) : Alert(InfoHash, Time);

/// <summary>Every selected piece is verified.</summary>
/// <param name="InfoHash">The torrent.</param>
/// <param name="Time">When.</param>
public sealed record TorrentCompletedAlert(InfoHash InfoHash, DateTimeOffset Time) : Alert(InfoHash, Time);

/// <summary>The torrent failed and is now in <see cref="TorrentState.Error"/>.</summary>
/// <param name="InfoHash">The torrent.</param>
/// <param name="Time">When.</param>
/// <param name="Message">What went wrong.</param>
public sealed record TorrentErrorAlert(InfoHash InfoHash, DateTimeOffset Time, string Message) : Alert(InfoHash, Time);
