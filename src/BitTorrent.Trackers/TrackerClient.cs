using System.Collections.Concurrent;
using System.Net;

namespace BitTorrent.Trackers;

/// <summary>
/// Creates <see cref="ITracker"/>s for http, https and udp URLs. One client serves every torrent: its HTTP trackers
/// share one <see cref="HttpClient"/> over one <see cref="SocketsHttpHandler"/> (no automatic redirects or
/// decompression: both are bounded by hand), and each URL maps to one tracker object, so a UDP tracker's connection
/// id is reused across torrents.
/// </summary>
public sealed class TrackerClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<Uri, ITracker> _trackers = new();

    /// <summary>Creates a client.</summary>
    /// <param name="options">Limits and timers; the defaults when null.</param>
    public TrackerClient(TrackerOptions? options = null)
    {
        Options = options ?? new TrackerOptions();
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            MaxResponseHeadersLength = 16,
            // No connection is reused: an announce comes once an interval, and opentracker answers HTTP/1.1 without
            // a Connection header and then closes, so a pooled connection was reset on its next use. A request's
            // "Connection: close" alone does not keep SocketsHttpHandler from pooling.
            PooledConnectionLifetime = TimeSpan.Zero,
        };
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The limits and timers every tracker of this client uses.</summary>
    public TrackerOptions Options { get; }

    /// <summary>Whether <paramref name="uri"/> names a tracker this client can talk to (http, https or udp).</summary>
    public static bool IsSupported(Uri uri) =>
        uri is { IsAbsoluteUri: true } && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == "udp");

    /// <summary>The tracker for <paramref name="uri"/> (the same object for the same URL).</summary>
    /// <exception cref="ArgumentException">The scheme is not http, https or udp.</exception>
    public ITracker GetTracker(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!IsSupported(uri)) throw new ArgumentException($"not an http, https or udp tracker: {uri}", nameof(uri));
        return _trackers.GetOrAdd(uri, u => u.Scheme == "udp" ? new UdpTracker(u, Options) : new HttpTracker(u, _http, Options));
    }

    /// <summary>Releases the shared HTTP handler and its connections.</summary>
    public void Dispose() => _http.Dispose();
}
