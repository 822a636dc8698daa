namespace BitTorrent.Metainfo;

/// <summary>A torrent file or info dictionary was refused; <see cref="Error"/> says why. Nothing has touched the disk.</summary>
public sealed class MetainfoException : FormatException
{
    /// <summary>Creates an exception for <paramref name="error"/> with a human-readable <paramref name="message"/>.</summary>
    public MetainfoException(MetainfoError error, string message, Exception? innerException = null)
        : base($"metainfo: {message}", innerException) => Error = error;

    /// <summary>Why the torrent was refused.</summary>
    public MetainfoError Error { get; }
}
