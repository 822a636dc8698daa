namespace BitTorrent.Cli;

/// <summary>Options of <c>bt demo</c>.</summary>
public sealed record DemoOptions
{
    /// <summary>Size of the generated file in MiB.</summary>
    public int SizeMiB { get; init; } = 64;

    /// <summary>Piece length in KiB.</summary>
    public int PieceKiB { get; init; } = 256;

    /// <summary>Requests kept in flight by the downloader.</summary>
    public int Depth { get; init; } = 64;

    /// <summary>Seed of the generated content.</summary>
    public int Seed { get; init; } = 1;
}
