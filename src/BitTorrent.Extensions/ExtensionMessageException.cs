namespace BitTorrent.Extensions;

/// <summary>
/// An extension message (ut_pex, ut_metadata, lt_donthave payload) is malformed or breaks a limit.
/// The message is dropped as a whole; nothing from it has been applied.
/// </summary>
public sealed class ExtensionMessageException : FormatException
{
    /// <summary>Creates an exception for a message of extension <paramref name="extension"/>.</summary>
    public ExtensionMessageException(string extension, string message, Exception? inner = null)
        : base($"{extension}: {message}", inner) => Extension = extension;

    /// <summary>The BEP 10 name of the extension whose message was refused, e.g. <c>ut_pex</c>.</summary>
    public string Extension { get; }
}
