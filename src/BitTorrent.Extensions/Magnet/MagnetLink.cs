using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Text;

namespace BitTorrent.Extensions;

/// <summary>
/// A BEP 9 magnet link: <c>magnet:?xt=urn:btih:&lt;info-hash&gt;&amp;dn=&lt;name&gt;&amp;tr=&lt;tracker&gt;&amp;x.pe=&lt;peer&gt;</c>,
/// plus <c>ws</c> web seeds (BEP 19). The info hash may be 40 hex digits or 32 base32 characters.
/// Indexed keys (<c>tr.1</c>, <c>xt.2</c>) are read like their plain forms; unknown keys and non-BitTorrent-v1
/// exact topics (such as <c>urn:btmh:</c>) are ignored.
/// </summary>
public sealed class MagnetLink
{
    /// <summary>The longest link accepted, in characters (64 KiB).</summary>
    public const int MaxLength = 64 * 1024;

    private const string Scheme = "magnet:?";
    private const string BtihPrefix = "urn:btih:";

    /// <summary>Creates a link. Trackers, web seeds and peers keep their order; duplicates are removed.</summary>
    /// <param name="infoHash">The v1 info hash (<c>xt=urn:btih:</c>).</param>
    /// <param name="displayName">The suggested name (<c>dn</c>), or null.</param>
    /// <param name="trackers">Absolute tracker URIs (<c>tr</c>).</param>
    /// <param name="webSeeds">Absolute http/https web seed URIs (<c>ws</c>).</param>
    /// <param name="peers">Peer addresses (<c>x.pe</c>): <see cref="IPEndPoint"/> or <see cref="DnsEndPoint"/> with a port from 1 to 65535.</param>
    /// <exception cref="ArgumentException">A tracker, web seed or peer is not valid, or the display name is not valid
    /// UTF-16 (a lone surrogate cannot be written as UTF-8).</exception>
    public MagnetLink(InfoHash infoHash, string? displayName = null, IEnumerable<Uri>? trackers = null,
        IEnumerable<Uri>? webSeeds = null, IEnumerable<EndPoint>? peers = null)
    {
        InfoHash = infoHash;
        if (displayName is not null && System.Text.Unicode.Utf8.FromUtf16(displayName, new byte[Encoding.UTF8.GetMaxByteCount(displayName.Length)], out _, out _, replaceInvalidSequences: false) != System.Buffers.OperationStatus.Done)
            throw new ArgumentException("the display name holds a lone surrogate", nameof(displayName));
        DisplayName = displayName;
        Trackers = Distinct(trackers, t => t.IsAbsoluteUri, nameof(trackers), "tracker URIs must be absolute");
        WebSeeds = Distinct(webSeeds, IsWebSeed, nameof(webSeeds), "web seeds must be absolute http or https URIs");
        Peers = Distinct(peers, IsPeerAddress, nameof(peers), "peers must be IPEndPoint or DnsEndPoint with a port from 1 to 65535");
    }

    /// <summary>The v1 info hash.</summary>
    public InfoHash InfoHash { get; }

    /// <summary>The display name (<c>dn</c>), or null when absent.</summary>
    public string? DisplayName { get; }

    /// <summary>Tracker URIs (<c>tr</c>), in link order.</summary>
    public IReadOnlyList<Uri> Trackers { get; }

    /// <summary>Web seed URIs (<c>ws</c>), in link order.</summary>
    public IReadOnlyList<Uri> WebSeeds { get; }

    /// <summary>Peer addresses (<c>x.pe</c>): an <see cref="IPEndPoint"/> for IP literals, a <see cref="DnsEndPoint"/> for host names.</summary>
    public IReadOnlyList<EndPoint> Peers { get; }

    /// <summary>Parses a magnet link.</summary>
    /// <exception cref="MagnetLinkFormatException">The link is malformed; <see cref="MagnetLinkFormatException.Error"/> says how.</exception>
    public static MagnetLink Parse(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.Length > MaxLength)
            throw new MagnetLinkFormatException(MagnetLinkError.TooLong, $"magnet link is {uri.Length} characters; at most {MaxLength} are accepted");
        if (!uri.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            throw new MagnetLinkFormatException(MagnetLinkError.NotAMagnetLink, "a magnet link starts with 'magnet:?'");

        InfoHash? infoHash = null;
        string? displayName = null;
        var trackers = new List<Uri>();
        var webSeeds = new List<Uri>();
        var peers = new List<EndPoint>();
        foreach (var range in uri.AsSpan(Scheme.Length).Split('&'))
        {
            var parameter = uri.AsSpan(Scheme.Length)[range];
            if (parameter.IsEmpty) continue;
            int equals = parameter.IndexOf('=');
            var key = equals < 0 ? parameter : parameter[..equals];
            var rawValue = equals < 0 ? [] : parameter[(equals + 1)..];
            switch (BaseKey(key))
            {
                case "xt":
                    var topic = Unescape(rawValue, plusIsSpace: false);
                    if (!topic.StartsWith(BtihPrefix, StringComparison.OrdinalIgnoreCase)) break;
                    var hash = ParseBtih(topic.AsSpan(BtihPrefix.Length));
                    if (infoHash is { } known && known != hash)
                        throw new MagnetLinkFormatException(MagnetLinkError.ConflictingInfoHashes, $"the link names two info hashes: {known} and {hash}");
                    infoHash = hash;
                    break;
                case "dn":
                    displayName ??= Unescape(rawValue, plusIsSpace: true);
                    break;
                case "tr":
                    var tracker = Unescape(rawValue, plusIsSpace: false);
                    if (!Uri.TryCreate(tracker, UriKind.Absolute, out var trackerUri))
                        throw new MagnetLinkFormatException(MagnetLinkError.InvalidTracker, $"tracker '{tracker}' is not an absolute URI");
                    trackers.Add(trackerUri);
                    break;
                case "ws":
                    var webSeed = Unescape(rawValue, plusIsSpace: false);
                    if (!Uri.TryCreate(webSeed, UriKind.Absolute, out var webSeedUri) || !IsWebSeed(webSeedUri))
                        throw new MagnetLinkFormatException(MagnetLinkError.InvalidWebSeed, $"web seed '{webSeed}' is not an absolute http or https URI");
                    webSeeds.Add(webSeedUri);
                    break;
                case "x.pe":
                    var peer = Unescape(rawValue, plusIsSpace: false);
                    peers.Add(ParsePeerAddress(peer)
                        ?? throw new MagnetLinkFormatException(MagnetLinkError.InvalidPeerAddress, $"peer address '{peer}' is not host:port, ipv4:port or [ipv6]:port"));
                    break;
            }
        }
        if (infoHash is null)
            throw new MagnetLinkFormatException(MagnetLinkError.MissingInfoHash, "the link has no 'xt=urn:btih:' parameter");
        return new MagnetLink(infoHash.Value, displayName, trackers, webSeeds, peers);
    }

    /// <summary>Tries to parse a magnet link; false for null or malformed input.</summary>
    public static bool TryParse([NotNullWhen(true)] string? uri, [NotNullWhen(true)] out MagnetLink? link)
    {
        link = null;
        if (uri is null) return false;
        try
        {
            link = Parse(uri);
            return true;
        }
        catch (MagnetLinkFormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// Formats the link: <c>xt</c> (lower-case hex), then <c>dn</c>, <c>tr</c>, <c>ws</c>, <c>x.pe</c>,
    /// with values percent-escaped; <see cref="Parse(string)"/> reads it back to an equal link.
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder(Scheme).Append("xt=").Append(BtihPrefix).Append(InfoHash.ToString());
        if (DisplayName is not null) text.Append("&dn=").Append(Uri.EscapeDataString(DisplayName));
        foreach (var tracker in Trackers) text.Append("&tr=").Append(Uri.EscapeDataString(tracker.OriginalString));
        foreach (var webSeed in WebSeeds) text.Append("&ws=").Append(Uri.EscapeDataString(webSeed.OriginalString));
        foreach (var peer in Peers) text.Append("&x.pe=").Append(FormatPeerAddress(peer));
        return text.ToString();
    }

    private static string BaseKey(ReadOnlySpan<char> key)
    {
        if (key.Equals("x.pe", StringComparison.OrdinalIgnoreCase)) return "x.pe";
        int dot = key.IndexOf('.');
        if (dot > 0 && dot < key.Length - 1 && !key[(dot + 1)..].ContainsAnyExceptInRange('0', '9')) key = key[..dot];
        return key.ToString().ToLowerInvariant();
    }

    private static string Unescape(ReadOnlySpan<char> value, bool plusIsSpace)
    {
        if (!value.ContainsAny('%', '+')) return value.ToString();
        var bytes = new byte[Encoding.UTF8.GetMaxByteCount(value.Length)];
        int length = 0;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                // A character outside the basic plane is two chars: encode them together, not as two lone surrogates.
                length += Encoding.UTF8.GetBytes(value.Slice(i, 2), bytes.AsSpan(length));
                i++;
            }
            else if (c == '%')
            {
                if (i + 2 >= value.Length || !char.IsAsciiHexDigit(value[i + 1]) || !char.IsAsciiHexDigit(value[i + 2]))
                    throw new MagnetLinkFormatException(MagnetLinkError.InvalidEscape, $"'%' must be followed by two hex digits in '{value}'");
                bytes[length++] = byte.Parse(value.Slice(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                i += 2;
            }
            else if (c == '+' && plusIsSpace)
            {
                bytes[length++] = (byte)' ';
            }
            else
            {
                length += Encoding.UTF8.GetBytes([c], bytes.AsSpan(length));
            }
        }
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            throw new MagnetLinkFormatException(MagnetLinkError.InvalidEscape, $"escaped bytes in '{value}' are not UTF-8");
        }
    }

    private static InfoHash ParseBtih(ReadOnlySpan<char> text)
    {
        Span<byte> hash = stackalloc byte[InfoHash.Length];
        if (text.Length == 40 && Convert.FromHexString(text, hash, out _, out int written) == System.Buffers.OperationStatus.Done && written == 20)
            return new InfoHash(hash);
        if (text.Length == 32 && TryDecodeBase32(text, hash))
            return new InfoHash(hash);
        throw new MagnetLinkFormatException(MagnetLinkError.InvalidInfoHash, $"info hash '{text}' is neither 40 hex digits nor 32 base32 characters");
    }

    private static bool TryDecodeBase32(ReadOnlySpan<char> text, Span<byte> destination)
    {
        int buffer = 0, bits = 0, written = 0;
        foreach (char c in text)
        {
            int value = c switch
            {
                >= 'A' and <= 'Z' => c - 'A',
                >= 'a' and <= 'z' => c - 'a',
                >= '2' and <= '7' => c - '2' + 26,
                _ => -1,
            };
            if (value < 0) return false;
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                destination[written++] = (byte)(buffer >> bits);
                buffer &= (1 << bits) - 1;
            }
        }
        return written == destination.Length;
    }

    private static EndPoint? ParsePeerAddress(string text)
    {
        string host;
        ReadOnlySpan<char> portText;
        if (text.StartsWith('['))
        {
            int close = text.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0) return null;
            host = text[1..close];
            portText = text.AsSpan(close + 2);
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return null;
        }
        else
        {
            int colon = text.LastIndexOf(':');
            if (colon <= 0) return null;
            host = text[..colon];
            portText = text.AsSpan(colon + 1);
            if (host.Contains(':')) return null;
        }
        if (portText.IsEmpty || portText.ContainsAnyExceptInRange('0', '9') || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port)
            || port is < IPEndPoint.MinPort + 1 or > IPEndPoint.MaxPort)
            return null;
        if (IPAddress.TryParse(host, out var address)) return new IPEndPoint(address, port);
        return Uri.CheckHostName(host) == UriHostNameType.Dns ? new DnsEndPoint(host, port) : null;
    }

    // Peers are IPEndPoint or DnsEndPoint (checked in the constructor). Only an IPv6 zone ("[fe80::1%2]:6881") can
    // hold a character that must be escaped: its '%'.
    private static string FormatPeerAddress(EndPoint peer) => peer is IPEndPoint ip
        ? ip.ToString().Replace("%", "%25", StringComparison.Ordinal)
        : $"{((DnsEndPoint)peer).Host}:{((DnsEndPoint)peer).Port.ToString(CultureInfo.InvariantCulture)}";

    private static bool IsWebSeed(Uri uri) => uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static bool IsPeerAddress(EndPoint peer) => peer switch
    {
        IPEndPoint ip => ip.Port > 0,
        DnsEndPoint dns => dns.Port > 0 && Uri.CheckHostName(dns.Host) == UriHostNameType.Dns,
        _ => false,
    };

    private static IReadOnlyList<T> Distinct<T>(IEnumerable<T>? items, Func<T, bool> isValid, string paramName, string rule) where T : class
    {
        if (items is null) return [];
        var result = new List<T>();
        var seen = new HashSet<T>();
        foreach (var item in items)
        {
            if (item is null || !isValid(item)) throw new ArgumentException(rule, paramName);
            if (seen.Add(item)) result.Add(item);
        }
        return result.AsReadOnly();
    }
}
