namespace BitTorrent.Bencode;

/// <summary>Why a bencoded input was refused.</summary>
public enum BencodeError
{
    /// <summary>The input ended inside a value.</summary>
    UnexpectedEnd,
    /// <summary>A byte that cannot start or continue a value here.</summary>
    InvalidToken,
    /// <summary>An integer or string length had a leading zero (strict mode).</summary>
    LeadingZero,
    /// <summary>The integer <c>i-0e</c> (strict mode).</summary>
    NegativeZero,
    /// <summary>An integer does not fit in 64 bits, or a string length does not fit in 32 bits.</summary>
    IntegerOverflow,
    /// <summary>A string is longer than <see cref="BencodeOptions.MaxStringLength"/>.</summary>
    StringTooLong,
    /// <summary>Lists and dictionaries nest deeper than <see cref="BencodeOptions.MaxDepth"/>.</summary>
    DepthExceeded,
    /// <summary>The input is larger than <see cref="BencodeOptions.MaxTotalSize"/>.</summary>
    TotalSizeExceeded,
    /// <summary>Dictionary keys are not in ascending byte order (strict mode).</summary>
    UnsortedKeys,
    /// <summary>A dictionary key appears twice (strict mode).</summary>
    DuplicateKey,
    /// <summary>Bytes follow the top-level value (strict mode).</summary>
    TrailingBytes,
    /// <summary>A value has a different type than the caller asked for.</summary>
    UnexpectedType,
    /// <summary>More elements in one list or dictionary than <see cref="BencodeOptions.MaxElements"/> allows.</summary>
    TooManyElements,
    /// <summary>More values in the whole input than <see cref="BencodeOptions.MaxValues"/> allows.</summary>
    TooManyValues,
}
