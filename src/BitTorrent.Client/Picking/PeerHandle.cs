namespace BitTorrent.Client;

/// <summary>
/// Identifies one peer connection of a torrent to the <see cref="PiecePicker"/> and the <see cref="Choker"/>.
/// The engine assigns the value (unique among the torrent's live connections) and keeps it for the connection's lifetime.
/// </summary>
/// <param name="Value">The engine's number for the connection.</param>
public readonly record struct PeerHandle(int Value);
