namespace BitTorrent.Trackers;

/// <summary>One torrent's counts in a scrape response (BEP 48, BEP 15).</summary>
/// <param name="Complete">Seeders.</param>
/// <param name="Downloaded">How many times the torrent was downloaded completely.</param>
/// <param name="Incomplete">Leechers.</param>
public readonly record struct ScrapeEntry(int Complete, int Downloaded, int Incomplete);

/// <summary>A tracker's answer to a scrape: the counts per info hash it knows.</summary>
/// <param name="Files">The counts per info hash; a hash the tracker does not know is absent.</param>
public sealed record ScrapeResponse(IReadOnlyDictionary<InfoHash, ScrapeEntry> Files);
