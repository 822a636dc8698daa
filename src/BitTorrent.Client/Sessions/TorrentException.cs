namespace BitTorrent.Client;

/// <summary>A torrent failed (a disk error, bad metadata) or was stopped before it completed.</summary>
public sealed class TorrentException(string message, Exception? innerException = null) : Exception(message, innerException);
