namespace BitTorrent.Bencode;

/// <summary>A bencoded input was malformed or exceeded a limit. <see cref="Offset"/> is the byte where it was detected.</summary>
public sealed class BencodeException : FormatException
{
    /// <summary>Creates an exception for <paramref name="error"/> detected at <paramref name="offset"/>.</summary>
    public BencodeException(BencodeError error, long offset, string? detail = null)
        : base($"bencode: {Describe(error)} at byte {offset}{(detail is null ? "" : ": " + detail)}")
    {
        Error = error;
        Offset = offset;
    }

    /// <summary>What was wrong.</summary>
    public BencodeError Error { get; }

    /// <summary>The byte offset in the input where the problem was detected.</summary>
    public long Offset { get; }

    private static string Describe(BencodeError error) => error switch
    {
        BencodeError.UnexpectedEnd => "unexpected end of input",
        BencodeError.InvalidToken => "invalid token",
        BencodeError.LeadingZero => "leading zero",
        BencodeError.NegativeZero => "negative zero",
        BencodeError.IntegerOverflow => "integer overflow",
        BencodeError.StringTooLong => "string too long",
        BencodeError.DepthExceeded => "nesting too deep",
        BencodeError.TotalSizeExceeded => "input too large",
        BencodeError.UnsortedKeys => "dictionary keys not sorted",
        BencodeError.DuplicateKey => "duplicate dictionary key",
        BencodeError.TrailingBytes => "trailing bytes after the value",
        BencodeError.UnexpectedType => "unexpected value type",
        BencodeError.TooManyElements => "too many elements",
        BencodeError.TooManyValues => "too many values",
        _ => error.ToString(),
    };
}
