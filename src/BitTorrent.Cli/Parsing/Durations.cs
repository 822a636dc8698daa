using System.CommandLine.Parsing;
using System.Globalization;

namespace BitTorrent.Cli.Parsing;

/// <summary>Durations typed on the command line: <c>30s</c>, <c>2m</c>, <c>1h</c>, <c>500ms</c>, or seconds alone.</summary>
internal static class Durations
{
    /// <summary>Parses a duration; false for negative or unknown units.</summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        string s = text.Trim().ToLowerInvariant();
        (string Suffix, double Seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        double factor = 1;
        foreach (var (suffix, seconds) in units)
        {
            if (s.EndsWith(suffix, StringComparison.Ordinal)) { s = s[..^suffix.Length]; factor = seconds; break; }
        }
        if (!double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) || value < 0
            || value * factor > TimeSpan.MaxValue.TotalSeconds / 2)
            return false;
        duration = TimeSpan.FromSeconds(value * factor);
        return true;
    }

    /// <summary>A System.CommandLine custom parser for a duration option.</summary>
    public static TimeSpan Parse(ArgumentResult result)
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (TryParse(text, out var duration)) return duration;
        result.AddError($"'{text}' is not a duration such as 30s, 2m or 1h");
        return default;
    }
}
