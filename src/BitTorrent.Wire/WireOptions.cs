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

    /// <summary>
    /// The peer's requests are handed to <see cref="Wire.RequestHandler"/> only while fewer than this many bytes wait to
    /// be sent or are being served (default 4 MiB); the rest wait, up to <see cref="MaxPeerRequests"/>, until the peer
    /// reads. Reading never stops, so two wires that request from each other cannot stall.
    /// </summary>
    public int OutboundHighWater { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// The most bytes one wire queues for sending (default 8 MiB). A peer that lets more pile up (it asks and does not
    /// read) is closed with <see cref="WireCloseReason.SendBufferFull"/>; blocks sent with <see cref="Wire.Piece"/>
    /// count too. Served blocks alone stay under <see cref="OutboundHighWater"/> plus one block.
    /// </summary>
    public long MaxOutboundBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>How long a graceful <see cref="Wire.End"/> waits for queued bytes to be sent before it drops them (default 5 s, on <see cref="TimeProvider"/>).</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The peer's handshake must arrive this long after <see cref="Wire.Start"/> or the wire closes with
    /// <see cref="WireCloseReason.HandshakeTimeout"/> (default 10 s, libtorrent's <c>handshake_timeout</c>; null disables).
    /// </summary>
    public TimeSpan? HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The wire closes with <see cref="WireCloseReason.Inactive"/> when nothing (not even a keep-alive) arrived for this
    /// long (default 120 s, libtorrent's <c>peer_timeout</c>; null disables).
    /// </summary>
    public TimeSpan? InactivityTimeout { get; init; } = TimeSpan.FromSeconds(120);
}
