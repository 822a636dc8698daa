namespace BitTorrent.Client;

/// <summary>Tuning of a <see cref="PiecePicker"/>.</summary>
public sealed record PiecePickerOptions
{
    /// <summary>Pieces picked at random, ignoring rarity, until this many are verified (default 4, as libtorrent).</summary>
    public int InitialRandomPieces { get; init; } = 4;

    /// <summary>In end-game, the most peers one block is requested from at once (default 2).</summary>
    public int EndGameRequestsPerBlock { get; init; } = 2;

    /// <summary>Seed of the random tie-break; null for a random seed. Tests fix it.</summary>
    public int? RandomSeed { get; init; }
}
