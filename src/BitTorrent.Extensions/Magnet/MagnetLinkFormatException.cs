namespace BitTorrent.Extensions;

/// <summary>A magnet URI is malformed. <see cref="Error"/> says which rule it broke.</summary>
public sealed class MagnetLinkFormatException : FormatException
{
    /// <summary>Creates an exception for <paramref name="error"/> with a readable <paramref name="message"/>.</summary>
    public MagnetLinkFormatException(MagnetLinkError error, string message)
        : base(message) => Error = error;

    /// <summary>The rule the link broke.</summary>
    public MagnetLinkError Error { get; }
}
