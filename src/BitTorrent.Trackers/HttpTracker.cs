using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;

namespace BitTorrent.Trackers;

/// <summary>An HTTP(S) tracker (BEP 3, 7, 23, 48). Redirects are followed by hand, only to http and https and at most
/// <see cref="TrackerOptions.MaxRedirects"/> times; each request, body included, is bounded by
/// <see cref="TrackerOptions.HttpTimeout"/> on <see cref="TrackerOptions.TimeProvider"/>.</summary>
internal sealed class HttpTracker(Uri uri, HttpClient http, TrackerOptions options) : ITracker
{
    public Uri Uri { get; } = uri;

    public bool CanScrape => HttpTrackerUrl.Scrape(Uri, []) is not null;

    public async Task<AnnounceResponse> AnnounceAsync(AnnounceRequest request, CancellationToken cancellationToken = default)
    {
        var body = await GetAsync(HttpTrackerUrl.Announce(Uri, request), cancellationToken).ConfigureAwait(false);
        return HttpTrackerResponse.ParseAnnounce(body, options, Uri);
    }

    public async Task<ScrapeResponse> ScrapeAsync(IReadOnlyList<InfoHash> infoHashes, CancellationToken cancellationToken = default)
    {
        var url = HttpTrackerUrl.Scrape(Uri, infoHashes)
            ?? throw new TrackerException(Uri, TrackerError.ScrapeNotSupported, "the URL's last segment does not start with 'announce'");
        var body = await GetAsync(url, cancellationToken).ConfigureAwait(false);
        return HttpTrackerResponse.ParseScrape(body, Uri);
    }

    private async Task<byte[]> GetAsync(Uri url, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(options.HttpTimeout, options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await FollowAsync(url, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TrackerException(Uri, TrackerError.Timeout, $"no complete answer within {options.HttpTimeout.TotalSeconds} s");
        }
        catch (HttpRequestException e)
        {
            throw new TrackerException(Uri, TrackerError.NetworkError, e.Message, e);
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException)
        {
            throw new TrackerException(Uri, TrackerError.NetworkError, e.Message, e);
        }
    }

    private async Task<byte[]> FollowAsync(Uri url, CancellationToken cancellationToken)
    {
        for (int redirects = 0; ; redirects++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
            request.Headers.UserAgent.ParseAdd(options.UserAgent);
            // One request per connection (see TrackerClient's handler): tell the tracker so too.
            request.Headers.ConnectionClose = true;
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (IsRedirect(response.StatusCode))
            {
                url = NextLocation(url, response.Headers.Location);
                if (redirects >= options.MaxRedirects)
                    throw new TrackerException(Uri, TrackerError.TooManyRedirects, $"more than {options.MaxRedirects} redirects");
                continue;
            }
            var body = await BoundedBody.ReadAsync(response.Content, options, Uri, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode) return body;
            throw StatusError(response, body);
        }
    }

    /// <summary>Some trackers send their failure reason with an error status: surface it when it is there.</summary>
    private TrackerException StatusError(HttpResponseMessage response, byte[] body)
    {
        try
        {
            HttpTrackerResponse.ParseAnnounce(body, options, Uri);
        }
        catch (TrackerException e) when (e.Error == TrackerError.Failure)
        {
            return e;
        }
        catch (TrackerException)
        {
            // Not a bencoded failure: the status is the error.
        }
        return new TrackerException(Uri, TrackerError.HttpStatus, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
    }

    private Uri NextLocation(Uri current, Uri? location)
    {
        if (location is null) throw new TrackerException(Uri, TrackerError.RedirectNotAllowed, "a redirect without a Location");
        var next = location.IsAbsoluteUri ? location : new Uri(current, location);
        if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
            throw new TrackerException(Uri, TrackerError.RedirectNotAllowed, $"a redirect to {next.Scheme}");
        return next;
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;
}
