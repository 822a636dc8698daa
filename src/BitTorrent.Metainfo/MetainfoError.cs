namespace BitTorrent.Metainfo;

/// <summary>Why a torrent file or info dictionary was refused.</summary>
public enum MetainfoError
{
    /// <summary>The bytes are not valid bencode, or exceed a bencode limit (see the inner <c>BencodeException</c>).</summary>
    InvalidBencode,
    /// <summary>The input is larger than <see cref="MetainfoLimits.MaxTorrentSize"/>.</summary>
    TooLarge,
    /// <summary>A required key is absent (for example <c>info</c>, <c>name</c>, <c>piece length</c> or <c>pieces</c>).</summary>
    MissingField,
    /// <summary>A key holds a value of the wrong bencode type.</summary>
    WrongType,
    /// <summary>The info dictionary has both <c>length</c> and <c>files</c>, or neither.</summary>
    AmbiguousLayout,
    /// <summary>Only a BitTorrent v2 (BEP 52) info dictionary without v1 <c>pieces</c>: not supported.</summary>
    UnsupportedVersion,
    /// <summary>A path component is <c>..</c> or <c>.</c>, which would leave or alias the target directory.</summary>
    PathTraversal,
    /// <summary>A path is empty or has an empty component.</summary>
    EmptyPathComponent,
    /// <summary>A component is absolute, holds a separator, a control character, or a character the platform forbids.</summary>
    InvalidPathCharacter,
    /// <summary>A component is a reserved device name (CON, NUL, COM1, LPT1, …) or ends in a dot or space.</summary>
    ReservedName,
    /// <summary>A path or component is longer than <see cref="MetainfoLimits.MaxPathLength"/> or has too many components.</summary>
    PathTooLong,
    /// <summary>Two files map to the same path, or a file is also used as a directory.</summary>
    DuplicatePath,
    /// <summary>A file length is negative.</summary>
    NegativeLength,
    /// <summary>The total length overflows 64 bits.</summary>
    LengthOverflow,
    /// <summary>The piece length is not positive or is larger than <see cref="MetainfoLimits.MaxPieceLength"/>.</summary>
    InvalidPieceLength,
    /// <summary>The <c>pieces</c> string is not a multiple of 20 bytes or does not match the total length.</summary>
    PieceCountMismatch,
    /// <summary>More pieces than <see cref="MetainfoLimits.MaxPieces"/>.</summary>
    TooManyPieces,
    /// <summary>More files than <see cref="MetainfoLimits.MaxFiles"/>.</summary>
    TooManyFiles,
    /// <summary>The torrent holds no data (total length zero).</summary>
    EmptyTorrent,
    /// <summary>More trackers or web seeds than <see cref="MetainfoLimits.MaxTrackers"/>.</summary>
    TooManyTrackers,
}
