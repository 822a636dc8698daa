namespace BitTorrent.Extensions;

/// <summary>What <see cref="MetadataAssembler.Add"/> did with a piece.</summary>
public enum MetadataPieceResult
{
    /// <summary>The piece was stored.</summary>
    Accepted,
    /// <summary>The piece was already stored; the new copy was ignored.</summary>
    Duplicate,
    /// <summary>The index is outside 0 .. <see cref="MetadataAssembler.PieceCount"/> - 1; nothing was stored.</summary>
    InvalidIndex,
    /// <summary>The piece is not exactly 16 KiB (or, for the last piece, the remainder); nothing was stored.</summary>
    InvalidLength,
}
