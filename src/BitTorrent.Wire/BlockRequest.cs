namespace BitTorrent.Wire;

/// <summary>A block of a piece: the triple carried by request, cancel and reject messages.</summary>
/// <param name="Index">Zero-based piece index.</param>
/// <param name="Begin">Byte offset within the piece.</param>
/// <param name="Length">Block length in bytes.</param>
public readonly record struct BlockRequest(int Index, int Begin, int Length);
