namespace BitTorrent.Trackers;

/// <summary>Why an announce or scrape to one tracker failed.</summary>
public enum TrackerError
{
    /// <summary>The tracker refused: an HTTP <c>failure reason</c> or a UDP error action (3).</summary>
    Failure,
    /// <summary>No answer within the request timeout (HTTP) or after the last retransmission (UDP).</summary>
    Timeout,
    /// <summary>The tracker could not be reached: DNS, refused connection, reset, TLS.</summary>
    NetworkError,
    /// <summary>The HTTP status was not a success and the body held no <c>failure reason</c>.</summary>
    HttpStatus,
    /// <summary>The response was larger than <see cref="TrackerOptions.MaxResponseBytes"/>.</summary>
    ResponseTooLarge,
    /// <summary>The gzip response decompressed to more than <see cref="TrackerOptions.MaxDecompressedBytes"/>.</summary>
    DecompressedTooLarge,
    /// <summary>The response was not what the protocol says: bad bencode, wrong types, a short datagram, an unknown encoding.</summary>
    InvalidResponse,
    /// <summary>A compact peer list whose length is not a multiple of 6 (<c>peers</c>) or 18 (<c>peers6</c>).</summary>
    InvalidPeerList,
    /// <summary>More peers than <see cref="TrackerOptions.MaxPeers"/>.</summary>
    TooManyPeers,
    /// <summary>More HTTP redirects than <see cref="TrackerOptions.MaxRedirects"/> (a redirect loop).</summary>
    TooManyRedirects,
    /// <summary>An HTTP redirect to a scheme other than http or https, or without a location.</summary>
    RedirectNotAllowed,
    /// <summary>A UDP answer carrying a transaction id this client never sent.</summary>
    TransactionIdMismatch,
    /// <summary>A UDP answer whose action is not the one asked for (nor an error).</summary>
    UnexpectedAction,
    /// <summary>The tracker URL has no scrape convention (BEP 48: the last path segment must start with <c>announce</c>).</summary>
    ScrapeNotSupported,
}
