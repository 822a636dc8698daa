namespace BitTorrent.Cli.Demo;

/// <summary>What <c>bt demo</c> builds: the swarm's size and the content.</summary>
internal sealed record DemoOptions
{
    /// <summary>Leechers started from the magnet link alone.</summary>
    public int Leechers { get; init; } = 8;

    /// <summary>Total size of the generated multi-file content in bytes.</summary>
    public long Size { get; init; } = 32L << 20;

    /// <summary>DHT nodes on loopback besides the peers' own.</summary>
    public int DhtNodes { get; init; } = 30;

    /// <summary>Seed of the generated content (same seed, same bytes, same info hash).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>How long the whole demo may take before it gives up.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(3);
}
