using Microsoft.Extensions.Logging;

namespace BitTorrent.Trackers;

/// <summary>Limits and timers for talking to trackers. The defaults suit the public internet.</summary>
public sealed record TrackerOptions
{
    /// <summary>The clock of every timeout, retransmission and re-announce.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where diagnostics go; none when null.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>How long one HTTP announce or scrape may take, redirects and body included.</summary>
    public TimeSpan HttpTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest HTTP response body accepted, as received (compressed or not).</summary>
    public int MaxResponseBytes { get; init; } = 1024 * 1024;

    /// <summary>The largest body a gzip response may decompress to.</summary>
    public int MaxDecompressedBytes { get; init; } = 2 * 1024 * 1024;

    /// <summary>The most peers one response may list.</summary>
    public int MaxPeers { get; init; } = 2000;

    /// <summary>The most HTTP redirects followed for one request (only to http and https).</summary>
    public int MaxRedirects { get; init; } = 5;

    /// <summary>The first UDP timeout; attempt n waits <c>UdpBaseTimeout × 2^n</c> (BEP 15: 15 s).</summary>
    public TimeSpan UdpBaseTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The last UDP attempt n (BEP 15: 8, about an hour in all); tests lower it.</summary>
    public int UdpMaxRetransmissions { get; init; } = 8;

    /// <summary>The shortest interval or min interval accepted; smaller or negative values are raised to it.</summary>
    public TimeSpan MinimumInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest interval accepted; larger values are lowered to it.</summary>
    public TimeSpan MaximumInterval { get; init; } = TimeSpan.FromHours(2);

    /// <summary>The interval used when a tracker sends none.</summary>
    public TimeSpan DefaultInterval { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>When every tracker failed, the wait before trying again; it doubles per failed round up to
    /// <see cref="MaximumInterval"/>.</summary>
    public TimeSpan FailureRetryDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The HTTP <c>User-Agent</c>.</summary>
    public string UserAgent { get; init; } = "BitTorrent.NET/0.1";

    /// <summary>Clamps an interval in seconds from a tracker into [<see cref="MinimumInterval"/>, <see cref="MaximumInterval"/>].</summary>
    internal TimeSpan ClampInterval(long seconds)
    {
        long min = (long)MinimumInterval.TotalSeconds, max = (long)MaximumInterval.TotalSeconds;
        return TimeSpan.FromSeconds(Math.Clamp(seconds, min, Math.Max(min, max)));
    }
}
