using System.Globalization;

namespace BitTorrent.Cli.Parsing;

/// <summary>
/// Sizes and rates with units, as people type them: <c>16MiB</c>, <c>1.5GB</c>, <c>512k</c>, <c>2MB/s</c>.
/// Binary prefixes (KiB, MiB, GiB, TiB) are powers of 1024, decimal ones (kB, MB, GB, TB) powers of 1000; a bare
/// <c>k</c>/<c>m</c>/<c>g</c>/<c>t</c> is binary, as in aria2 and curl. A number alone is bytes.
/// </summary>
internal static class ByteSize
{
    private static readonly (string Suffix, long Factor)[] Units =
    [
        ("kib", 1L << 10), ("mib", 1L << 20), ("gib", 1L << 30), ("tib", 1L << 40),
        ("kb", 1_000), ("mb", 1_000_000), ("gb", 1_000_000_000), ("tb", 1_000_000_000_000),
        ("k", 1L << 10), ("m", 1L << 20), ("g", 1L << 30), ("t", 1L << 40),
        ("b", 1),
    ];

    /// <summary>Parses a size in bytes; false for anything negative, fractional in bytes, or past <see cref="long.MaxValue"/>.</summary>
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        string s = text.Trim().ToLowerInvariant();
        long factor = 1;
        foreach (var (suffix, f) in Units)
        {
            if (s.EndsWith(suffix, StringComparison.Ordinal))
            {
                s = s[..^suffix.Length].TrimEnd();
                factor = f;
                break;
            }
        }
        if (!decimal.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number))
            return false;
        decimal value = number * factor;
        if (value > long.MaxValue || value != decimal.Truncate(value)) return false;
        bytes = (long)value;
        return true;
    }

    /// <summary>Parses a rate in bytes per second (<c>2MB/s</c>, <c>500KiB</c>); 0 and <c>unlimited</c> mean no limit (0).</summary>
    public static bool TryParseRate(string text, out long bytesPerSecond)
    {
        string s = text.Trim();
        if (s.Equals("unlimited", StringComparison.OrdinalIgnoreCase)) { bytesPerSecond = 0; return true; }
        if (s.EndsWith("/s", StringComparison.OrdinalIgnoreCase)) s = s[..^2];
        return TryParse(s, out bytesPerSecond);
    }

    /// <summary>Formats bytes with a binary prefix and one decimal: <c>1.5 MiB</c>.</summary>
    public static string Format(double bytes)
    {
        string[] names = ["B", "KiB", "MiB", "GiB", "TiB"];
        int i = 0;
        while (Math.Abs(bytes) >= 1024 && i < names.Length - 1) { bytes /= 1024; i++; }
        return i == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes:F0} B")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes:F1} {names[i]}");
    }
}
