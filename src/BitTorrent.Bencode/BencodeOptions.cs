namespace BitTorrent.Bencode;

/// <summary>
/// Limits and strictness for decoding. <see cref="Strict"/> accepts only canonical bencode (sorted unique keys,
/// no leading zeros, no <c>-0</c>, nothing after the value); <see cref="Lenient"/> reads what real peers send.
/// </summary>
/// <remarks>
/// The defaults are safe for an untrusted .torrent file (they follow libtorrent's <c>load_torrent_limits</c>): at most
/// 16 MiB of input, 32 levels of nesting and 1,000,000 values in all, so decoding into the <see cref="BValue"/> model
/// takes time linear in the input (n log n for unsorted dictionary keys) and holds at most about 60 MB of objects.
/// Network messages use much tighter limits of their own (KRPC, the extended handshake, ut_pex, ut_metadata).
/// </remarks>
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

    /// <summary>Largest input accepted, in bytes (default 16 MiB: a v1 .torrent of 800,000 pieces fits).</summary>
    public long MaxTotalSize { get; init; } = 16L * 1024 * 1024;

    /// <summary>Most elements in one list, or entries in one dictionary (default 1,000,000).</summary>
    public int MaxElements { get; init; } = 1_000_000;

    /// <summary>
    /// Most values in the whole input, counting every integer, string, list, dictionary and dictionary key
    /// (default 1,000,000, about 60 MB in the <see cref="BValue"/> model).
    /// </summary>
    public int MaxValues { get; init; } = 1_000_000;
}
