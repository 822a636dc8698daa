namespace BitTorrent.Bencode;

/// <summary>
/// Limits and strictness for decoding. <see cref="Strict"/> accepts only canonical bencode (sorted unique keys,
/// no leading zeros, no <c>-0</c>, nothing after the value); <see cref="Lenient"/> reads what real peers send.
/// </summary>
public sealed record BencodeOptions
{
    /// <summary>Canonical bencode only, with the default limits.</summary>
    public static BencodeOptions Strict { get; } = new() { IsStrict = true };

    /// <summary>Accepts unsorted or duplicate keys, leading zeros and trailing bytes, with the default limits.</summary>
    public static BencodeOptions Lenient { get; } = new() { IsStrict = false };

    /// <summary>True for canonical-only decoding.</summary>
    public bool IsStrict { get; init; }

    /// <summary>Deepest nesting of lists and dictionaries accepted (default 32).</summary>
    public int MaxDepth { get; init; } = 32;

    /// <summary>Longest byte string accepted (default 16 MiB).</summary>
    public int MaxStringLength { get; init; } = 16 * 1024 * 1024;

    /// <summary>Largest input accepted, in bytes (default 64 MiB).</summary>
    public long MaxTotalSize { get; init; } = 64L * 1024 * 1024;

    /// <summary>Most elements in one list, or entries in one dictionary (default 1,000,000).</summary>
    public int MaxElements { get; init; } = 1_000_000;
}
