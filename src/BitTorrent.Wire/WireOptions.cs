using Microsoft.Extensions.Logging;

namespace BitTorrent.Wire;

/// <summary>Settings of one <see cref="Wire"/>.</summary>
public sealed record WireOptions
{
    /// <summary>The clock for keep-alive, request timeouts and speed meters (default <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Diagnostics (default none).</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>The number of pieces when known: bitfield sizes and piece indices from the peer are checked against it.</summary>
    public int? PieceCount { get; init; }

    /// <summary>The largest frame accepted from the peer (default 128 KiB + 13, a piece message of the largest block).</summary>
    public int MaxMessageLength { get; init; } = MaxBlockLength + 13;

    /// <summary>The largest block the peer may request, and we may request (BEP 3 practice: 16 KiB; we accept up to 128 KiB).</summary>
    public const int MaxBlockLength = 128 * 1024;

    /// <summary>Our <c>reqq</c>: the most requests the peer may have outstanding with us (default 250, as libtorrent).</summary>
    public int MaxPeerRequests { get; init; } = 250;

    /// <summary>The most requests we send before an answer when the peer advertised no <c>reqq</c> (default 250).</summary>
    public int DefaultPeerRequestQueue { get; init; } = 250;

    /// <summary>The most pieces remembered from the peer's allowed-fast messages (the seed's 100).</summary>
    public int MaxPeerAllowedFast { get; init; } = 100;

    /// <summary>Our <c>v</c> in the extended handshake.</summary>
    public string ClientVersion { get; init; } = "BitTorrent.NET 0.1";

    /// <summary>Reading stops while more than this many bytes wait to be sent (default 4 MiB).</summary>
    public int OutboundHighWater { get; init; } = 4 * 1024 * 1024;

    /// <summary>How long a graceful <see cref="Wire.End"/> waits for queued bytes to be sent before it drops them (default 5 s, on <see cref="TimeProvider"/>).</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
