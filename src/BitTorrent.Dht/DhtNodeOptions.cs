using System.Net;
using BitTorrent.Dht.Krpc;
using BitTorrent.Dht.Security;
using Microsoft.Extensions.Logging;

namespace BitTorrent.Dht;

/// <summary>Options of a <see cref="DhtNode"/> (bittorrent-dht's constructor options, plus limits and defences).</summary>
public sealed class DhtNodeOptions
{
    /// <summary>The default bootstrap routers (only used when <see cref="BootstrapNodes"/> is null).</summary>
    public static IReadOnlyList<EndPoint> DefaultBootstrapNodes { get; } =
    [
        new DnsEndPoint("dht.libtorrent.org", 25401),
        new DnsEndPoint("dht.transmissionbt.com", 6881),
        new DnsEndPoint("router.bittorrent.com", 6881),
        new DnsEndPoint("router.utorrent.com", 6881),
    ];

    /// <summary>Our node id; random (or BEP 42-derived from <see cref="ExternalAddress"/>) when null.</summary>
    public NodeId? NodeId { get; init; }

    /// <summary>Our external address, used to derive a BEP 42 node id when <see cref="NodeId"/> is null.</summary>
    public IPAddress? ExternalAddress { get; init; }

    /// <summary>Bootstrap nodes (<see cref="IPEndPoint"/> or <see cref="DnsEndPoint"/>); null means
    /// <see cref="DefaultBootstrapNodes"/>, an empty list means none (ready at once).</summary>
    public IReadOnlyList<EndPoint>? BootstrapNodes { get; init; }

    /// <summary>K: bucket size, nodes per find_node/get_peers answer (at most 20), and how many of the closest nodes announces and puts
    /// store on (lookups stop earlier, see <see cref="LookupWidth"/>). Default 20.</summary>
    public int K { get; init; } = 20;

    /// <summary>Maximum queries in flight for the whole node (further queries wait). Default 16.</summary>
    public int Concurrency { get; init; } = 16;

    /// <summary>α: queries one lookup keeps running at once (libtorrent's <c>search_branching</c>); a query that has
    /// become slow (<see cref="SlowQueryTimeout"/>) no longer counts. Default 4.</summary>
    public int LookupParallelism { get; init; } = 4;

    /// <summary>A lookup (<see cref="DhtNode.LookupAsync"/>, <see cref="DhtNode.GetAsync"/>) finishes once this many of
    /// the closest live nodes have answered. Announces, puts and routing-table refreshes still go on until the
    /// <see cref="K"/> closest have answered, so what they store is found by the narrower lookups. Default 8.</summary>
    public int LookupWidth { get; init; } = 8;

    /// <summary>A lookup query unanswered after this long frees its slot for another query (it may still answer until
    /// <see cref="QueryTimeout"/>), so a dead node does not stall the lookup; at or above <see cref="QueryTimeout"/> a
    /// query holds its slot until it ends. Must be positive. Default 1 s.</summary>
    public TimeSpan SlowQueryTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Per-query timeout. Default 2 s.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The clock every timer and expiry uses: durations are measured on its monotonic timestamps
    /// (<see cref="TimeProvider.GetTimestamp"/>), never on differences of <see cref="TimeProvider.GetUtcNow"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The random source (ids, transaction ids, token secrets, sampling); seed it for deterministic simulations.
    /// Give each node its own instance: it is only used under the node's lock.</summary>
    public Random? Random { get; init; }

    /// <summary>The datagram transport; when null, <see cref="DhtNode.Listen"/> creates a <see cref="UdpDhtTransport"/>.
    /// The node owns the transport and disposes it.</summary>
    public IDhtTransport? Transport { get; init; }

    /// <summary>Where the node's diagnostics go (category <c>BitTorrent.Dht.DhtNode</c>); null logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Events allowed to wait for their handlers (see <see cref="DhtNode"/>'s threading contract); further
    /// events are dropped and counted in <see cref="DhtStats.EventsDropped"/>. Default 4096.</summary>
    public int MaxQueuedEvents { get; init; } = 4096;

    /// <summary>If set, <see cref="DhtNode.AnnounceAsync"/> also stores this host (and the announced port) locally.</summary>
    public IPAddress? Host { get; init; }

    /// <summary>Maximum torrents with stored peers. Default 2000.</summary>
    public int MaxTorrents { get; init; } = 2000;

    /// <summary>Maximum stored peers per torrent. Default 500.</summary>
    public int MaxPeersPerTorrent { get; init; } = 500;

    /// <summary>How long an announced peer is kept. Default 30 min.</summary>
    public TimeSpan PeerTimeToLive { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Maximum stored BEP 44 items. Default 1000.</summary>
    public int MaxItems { get; init; } = 1000;

    /// <summary>How long a BEP 44 item is kept without a re-put. Default 2 h.</summary>
    public TimeSpan ItemTimeToLive { get; init; } = TimeSpan.FromHours(2);

    /// <summary>BEP 44 signature verification; null uses the built-in ed25519 (BouncyCastle).</summary>
    public DhtSignatureVerifier? Verify { get; init; }

    /// <summary>A bucket with no change for this long is refreshed, and silent contacts pinged. Default 15 min.</summary>
    public TimeSpan BucketRefreshInterval { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>BEP 43 read-only: send <c>ro</c>=1 and never answer queries.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>BEP 42: keep only nodes whose id matches their IP (local addresses exempt).</summary>
    public bool EnforceNodeIdVerification { get; init; }

    /// <summary>At most one node per /24 (IPv4) or /64 (IPv6) in each bucket (loopback exempt). Default true.</summary>
    public bool RestrictRoutingIps { get; init; } = true;

    /// <summary>Inbound packets per second allowed from one sender (an IPv4 address or an IPv6 /64) before it is
    /// blocked (0 disables). Default 50.</summary>
    public int MaxPacketsPerSecondPerIp { get; init; } = 50;

    /// <summary>Inbound packets per second allowed from one IPv4 /24 in all (senders in it together); the excess is
    /// dropped, not blocked (0 disables; loopback exempt). Default 200.</summary>
    public int MaxPacketsPerSecondPerSubnet { get; init; } = 200;

    /// <summary>Peers, and separately BEP 44 items, one sender (an IPv4 address or an IPv6 /64) may have stored on this
    /// node at once; further announces and puts are answered but not stored. Default 20.</summary>
    public int MaxStoredPerSource { get; init; } = 20;

    /// <summary>How long an address exceeding the rate stays blocked. Default 5 min.</summary>
    public TimeSpan BlockDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Outbound packets per second (0 disables). Default 2000. A quarter of the budget is kept for our own queries:
    /// responses and pings of nodes that queried us are dropped rather than take it, and our own queries wait for it.</summary>
    public int MaxOutboundPacketsPerSecond { get; init; } = 2000;

    /// <summary>Queries allowed to wait for a free slot; more fail at once. Default 1024.</summary>
    public int MaxWaitingQueries { get; init; } = 1024;

    /// <summary>Largest query datagram accepted (responses and errors may be up to 64 KiB). Default 1500.</summary>
    public int MaxDatagramSize { get; init; } = KrpcCodec.DefaultMaxDatagramSize;

    /// <summary>The client version sent as <c>v</c> (empty: none).</summary>
    public ReadOnlyMemory<byte> ClientVersion { get; init; }

    /// <summary>BEP 51 <c>interval</c> advertised in sample_infohashes responses. Default 6 h.</summary>
    public TimeSpan SampleInfohashesInterval { get; init; } = TimeSpan.FromHours(6);

    /// <summary>A saved state (routing table with ids, stored peers and items) to restore on start.</summary>
    public DhtState? State { get; init; }
}
