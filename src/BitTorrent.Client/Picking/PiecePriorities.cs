namespace BitTorrent.Client;

/// <summary>Derives piece priorities from file priorities.</summary>
public static class PiecePriorities
{
    /// <summary>
    /// The priority of every piece from the priorities of the files it overlaps: the highest of them, so that a piece
    /// shared by a skipped file (0) and a wanted one is downloaded. Empty files overlap no piece. Pad files (BEP 47)
    /// should be given priority 0 so that they never pull a piece in on their own.
    /// </summary>
    /// <param name="fileLengths">The files' lengths in torrent order.</param>
    /// <param name="filePriorities">One priority per file (0 = skip, 1..7).</param>
    /// <param name="pieceLength">The torrent's piece length.</param>
    /// <returns>One priority per piece, for <see cref="PiecePicker.SetPiecePriorities"/>.</returns>
    public static byte[] FromFiles(ReadOnlySpan<long> fileLengths, ReadOnlySpan<byte> filePriorities, int pieceLength)
    {
        if (fileLengths.Length != filePriorities.Length) throw new ArgumentException("one priority per file is needed", nameof(filePriorities));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pieceLength);
        long total = 0;
        foreach (long length in fileLengths)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length, nameof(fileLengths));
            total = checked(total + length);
        }
        var pieces = new byte[checked((int)((total + pieceLength - 1) / pieceLength))];
        long offset = 0;
        for (int f = 0; f < fileLengths.Length; f++)
        {
            long length = fileLengths[f];
            if (length == 0) continue;
            byte priority = Math.Min(filePriorities[f], PiecePicker.MaxPriority);
            int first = (int)(offset / pieceLength), last = (int)((offset + length - 1) / pieceLength);
            for (int p = first; p <= last; p++) pieces[p] = Math.Max(pieces[p], priority);
            offset += length;
        }
        return pieces;
    }
}
