namespace BitTorrent.Extensions;

/// <summary>Why a magnet URI was refused by <see cref="MagnetLink.Parse(string)"/>.</summary>
public enum MagnetLinkError
{
    /// <summary>The text does not start with <c>magnet:?</c>.</summary>
    NotAMagnetLink,
    /// <summary>The link is longer than <see cref="MagnetLink.MaxLength"/> characters.</summary>
    TooLong,
    /// <summary>A <c>%</c> is not followed by two hex digits, or the escaped bytes are not UTF-8.</summary>
    InvalidEscape,
    /// <summary>There is no <c>xt=urn:btih:</c> parameter.</summary>
    MissingInfoHash,
    /// <summary>A <c>urn:btih:</c> value is neither 40 hex digits nor 32 base32 characters.</summary>
    InvalidInfoHash,
    /// <summary>Two <c>urn:btih:</c> parameters name different info hashes.</summary>
    ConflictingInfoHashes,
    /// <summary>A <c>tr</c> value is not an absolute URI.</summary>
    InvalidTracker,
    /// <summary>A <c>ws</c> value is not an absolute http or https URI.</summary>
    InvalidWebSeed,
    /// <summary>An <c>x.pe</c> value is not <c>host:port</c>, <c>ipv4:port</c> or <c>[ipv6]:port</c> with a port from 1 to 65535.</summary>
    InvalidPeerAddress,
}
