namespace BitTorrent.Trackers;

/// <summary>A torrent's transfer totals as reported to trackers.</summary>
/// <param name="Uploaded">Bytes uploaded since the torrent started.</param>
/// <param name="Downloaded">Bytes downloaded since the torrent started.</param>
/// <param name="Left">Bytes still missing (0 for a seed).</param>
public readonly record struct TransferStats(long Uploaded, long Downloaded, long Left);
