namespace BitTorrent.Soak;

/// <summary>What a soak runs.</summary>
public enum SoakMode
{
    /// <summary>Pairs of our <c>Wire</c>s over loopback TCP requesting verified blocks from each other.</summary>
    Wires,

    /// <summary>One seeding <c>ClientEngine</c> and several leeching engines downloading the same torrent again and again.</summary>
    Swarm,
}

/// <summary>What one soak run does, how it samples memory, and the bounds it is checked against.</summary>
public sealed record SoakOptions
{
    /// <summary>The workload (default <see cref="SoakMode.Wires"/>).</summary>
    public SoakMode Mode { get; init; } = SoakMode.Wires;

    /// <summary>Wires in <see cref="SoakMode.Wires"/>: both ends of <c>Wires / 2</c> connections (default 200).</summary>
    public int Wires { get; init; } = 200;

    /// <summary>Requests each wire keeps in flight (default 8).</summary>
    public int Depth { get; init; } = 8;

    /// <summary>
    /// A cap on what all wires request together (in <see cref="SoakMode.Swarm"/>: what all leechers download together,
    /// each leecher's engine limited to its share), in MB (10⁶ bytes) per second; 0 (the default) runs as fast as the
    /// machine goes. The test suite's one-minute soaks set it so they share the machine with the other test projects.
    /// </summary>
    public int MegabytesPerSecond { get; init; }

    /// <summary>Leeching engines in <see cref="SoakMode.Swarm"/> (default 4).</summary>
    public int Leechers { get; init; } = 4;

    /// <summary>Size of the torrent the swarm downloads (default 16 MiB).</summary>
    public long SwarmBytes { get; init; } = 16L << 20;

    /// <summary>How long the workload runs, warm-up included, after its connections are set up (default 10 min).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Samples taken before this are reported but not checked (default 1 min).</summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Time between memory samples (default 5 s).</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The growth allowed after warm-up, as a fraction of the first quarter's mean (default 0.10): the last quarter's
    /// mean heap must stay under <c>first × (1 + fraction) + </c><see cref="HeapSlack"/>, and RSS likewise.
    /// </summary>
    public double GrowthFraction { get; init; } = 0.10;

    /// <summary>Absolute heap growth allowed on top of <see cref="GrowthFraction"/> (default 4 MiB).</summary>
    public long HeapSlack { get; init; } = 4L << 20;

    /// <summary>
    /// Absolute RSS growth allowed on top of <see cref="GrowthFraction"/> (default 16 MiB: RSS also holds code the JIT
    /// still tiers up, the GC's own bookkeeping and the kernel's socket buffers, none of which the heap shows).
    /// </summary>
    public long RssSlack { get; init; } = 16L << 20;
}
