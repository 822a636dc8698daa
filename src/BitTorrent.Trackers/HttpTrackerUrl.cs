using System.Globalization;
using System.Text;

namespace BitTorrent.Trackers;

/// <summary>Builds HTTP tracker URLs: the announce query (BEP 3, BEP 23) and the scrape URL (BEP 48).</summary>
public static class HttpTrackerUrl
{
    /// <summary>The announce URL for <paramref name="request"/>: info_hash and peer_id percent-encoded as raw bytes,
    /// compact=1, and the other parameters, appended to any query the tracker URL already has (a passkey).</summary>
    public static Uri Announce(Uri tracker, AnnounceRequest request)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentNullException.ThrowIfNull(request);
        var url = new StringBuilder(tracker.AbsoluteUri.Length + 200).Append(tracker.AbsoluteUri);
        url.Append(tracker.Query.Length > 0 ? '&' : '?');
        url.Append("info_hash=");
        AppendBytes(url, request.InfoHash.Span);
        url.Append("&peer_id=");
        AppendBytes(url, request.PeerId.Span);
        url.Append(CultureInfo.InvariantCulture, $"&port={request.Port}&uploaded={request.Uploaded}");
        url.Append(CultureInfo.InvariantCulture, $"&downloaded={request.Downloaded}&left={request.Left}&compact=1");
        string? eventName = request.Event switch
        {
            TrackerEvent.Started => "started",
            TrackerEvent.Completed => "completed",
            TrackerEvent.Stopped => "stopped",
            _ => null,
        };
        if (eventName is not null) url.Append("&event=").Append(eventName);
        if (request.NumWant is int numWant) url.Append(CultureInfo.InvariantCulture, $"&numwant={numWant}");
        url.Append(CultureInfo.InvariantCulture, $"&key={request.Key:x8}");
        if (request.TrackerId is not null) url.Append("&trackerid=").Append(Uri.EscapeDataString(request.TrackerId));
        return new Uri(url.ToString());
    }

    /// <summary>The scrape URL for <paramref name="infoHashes"/> (BEP 48): the last path segment's leading
    /// <c>announce</c> becomes <c>scrape</c>; null when the URL does not follow that convention.</summary>
    public static Uri? Scrape(Uri tracker, IEnumerable<InfoHash> infoHashes)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentNullException.ThrowIfNull(infoHashes);
        string path = tracker.AbsolutePath;
        int slash = path.LastIndexOf('/');
        if (!path.AsSpan(slash + 1).StartsWith("announce", StringComparison.Ordinal)) return null;
        var builder = new UriBuilder(tracker) { Path = string.Concat(path.AsSpan(0, slash + 1), "scrape", path.AsSpan(slash + 1 + "announce".Length)) };
        var query = new StringBuilder(tracker.Query.Length > 0 ? tracker.Query[1..] : "");
        foreach (var hash in infoHashes)
        {
            if (query.Length > 0) query.Append('&');
            query.Append("info_hash=");
            AppendBytes(query, hash.Span);
        }
        builder.Query = query.ToString();
        return builder.Uri;
    }

    private static void AppendBytes(StringBuilder url, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~') url.Append((char)b);
            else url.Append('%').Append(HexDigit(b >> 4)).Append(HexDigit(b & 0xF));
        }
    }

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);
}
