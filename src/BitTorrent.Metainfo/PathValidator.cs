namespace BitTorrent.Metainfo;

/// <summary>
/// Checks the path components a torrent names before they reach the file system. A component is refused when it is
/// empty, <c>.</c> or <c>..</c>, holds a separator (<c>/</c> or <c>\</c>), a NUL or other control character, is a
/// Windows device name (CON, PRN, AUX, NUL, COM0–9, LPT0–9, with or without an extension, on every platform so that
/// torrents stay portable), ends in a dot or a space, or is too long. On Windows the characters
/// <c>&lt;&gt;:"|?*</c> are refused too (a colon names an alternate data stream there); elsewhere they are ordinary.
/// </summary>
public static class PathValidator
{
    private static readonly string[] DeviceNames = ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"];

    /// <summary>Throws a <see cref="MetainfoException"/> when <paramref name="component"/> is not a safe file or directory name.</summary>
    public static void ValidateComponent(string component, MetainfoLimits? limits = null)
    {
        var error = CheckComponent(component, (limits ?? MetainfoLimits.Default).MaxComponentLength);
        if (error is { } reason) throw new MetainfoException(reason, $"unsafe path component '{Printable(component)}': {Describe(reason)}");
    }

    /// <summary>The reason <paramref name="component"/> is unsafe, or null when it is safe.</summary>
    public static MetainfoError? CheckComponent(string component, int maxLength = 255)
    {
        if (component.Length == 0) return MetainfoError.EmptyPathComponent;
        if (component is "." or "..") return MetainfoError.PathTraversal;
        if (component.Length > maxLength) return MetainfoError.PathTooLong;
        foreach (char c in component)
        {
            if (c is '/' or '\\' || char.IsControl(c)) return MetainfoError.InvalidPathCharacter;
            if (OperatingSystem.IsWindows() && c is '<' or '>' or ':' or '"' or '|' or '?' or '*') return MetainfoError.InvalidPathCharacter;
        }
        if (component[^1] is '.' or ' ') return MetainfoError.ReservedName;
        return IsDeviceName(component) ? MetainfoError.ReservedName : null;
    }

    private static bool IsDeviceName(string component)
    {
        int dot = component.IndexOf('.');
        var stem = (dot < 0 ? component : component[..dot]).TrimEnd(' ');
        foreach (var name in DeviceNames)
            if (stem.Equals(name, StringComparison.OrdinalIgnoreCase)) return true;
        return stem.Length == 4
            && (stem.StartsWith("COM", StringComparison.OrdinalIgnoreCase) || stem.StartsWith("LPT", StringComparison.OrdinalIgnoreCase))
            && (char.IsAsciiDigit(stem[3]) || stem[3] is '¹' or '²' or '³');
    }

    private static string Describe(MetainfoError error) => error switch
    {
        MetainfoError.EmptyPathComponent => "empty",
        MetainfoError.PathTraversal => "'.' or '..' would leave the target directory",
        MetainfoError.PathTooLong => "too long",
        MetainfoError.InvalidPathCharacter => "separator, control or forbidden character",
        _ => "reserved name",
    };

    internal static string Printable(string text)
    {
        var shown = text.Length > 64 ? text[..64] + "…" : text;
        return string.Create(shown.Length, shown, static (span, s) =>
        {
            for (int i = 0; i < s.Length; i++) span[i] = char.IsControl(s[i]) ? '?' : s[i];
        });
    }
}
