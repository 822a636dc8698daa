using System.Net;
using BitTorrent.Dht;
using BitTorrent.Encryption;
using BitTorrent.Storage;
using BitTorrent.Trackers;
using Microsoft.Extensions.Logging;

namespace BitTorrent.Client;

/// <summary>Options of a <see cref="ClientEngine"/>: where it listens, who it is, how many peers it keeps, its DHT and clock.</summary>
public sealed record EngineOptions
{
    /// <summary>The addresses to listen on, all with <see cref="ListenPort"/>; by default every IPv4 and every IPv6 address.</summary>
    public IReadOnlyList<IPAddress> ListenAddresses { get; init; } = [IPAddress.Any, IPAddress.IPv6Any];

    /// <summary>The TCP port for incoming peers of every torrent (0: a free port, the same on every address).</summary>
    public int ListenPort { get; init; }

    /// <summary>Our peer id, sent in every handshake.</summary>
    public PeerId PeerId { get; init; } = PeerId.CreateRandom();

    /// <summary>Connected peers over all torrents.</summary>
    public int MaxConnections { get; init; } = 200;

    /// <summary>Connected peers per torrent.</summary>
    public int MaxConnectionsPerTorrent { get; init; } = 50;

    /// <summary>Outgoing connections still connecting or handshaking, over all torrents.</summary>
    public int MaxHalfOpenConnections { get; init; } = 16;

    /// <summary>How long an outgoing connection may take to connect and handshake.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Runs a DHT node (BEP 5): get_peers for every public torrent and announce our listen port.</summary>
    public bool EnableDht { get; init; } = true;

    /// <summary>An existing DHT node to use instead of creating one (the engine does not dispose it).</summary>
    public DhtNode? DhtNode { get; init; }

    /// <summary>Bootstrap nodes of the DHT the engine creates; null uses the public routers, an empty list none.</summary>
    public IReadOnlyList<EndPoint>? DhtBootstrapNodes { get; init; }

    /// <summary>The UDP port of the DHT the engine creates (0: <see cref="ListenPort"/> once known).</summary>
    public int DhtPort { get; init; }

    /// <summary>
    /// Limits and timers of tracker announces (response size, peers per response, UDP retransmissions, interval clamps);
    /// null uses the defaults. The engine's <see cref="TimeProvider"/> replaces the one given here, and
    /// <see cref="LoggerFactory"/> is used when these options name none.
    /// </summary>
    public TrackerOptions? TrackerOptions { get; init; }

    /// <summary>How long stopping a torrent waits for its trackers to answer the <c>stopped</c> announce (libtorrent's
    /// <c>stop_tracker_timeout</c>); the torrent stops either way.</summary>
    public TimeSpan TrackerStopTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many SHA-1 checks of downloaded pieces run at once, over all torrents (default: one per core). Writes are not
    /// counted here: each torrent writes its verified pieces one at a time.
    /// </summary>
    public int DiskWorkers { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Bytes of complete pieces one torrent may have waiting for their SHA-1 check and write (libtorrent's
    /// <c>max_queued_disk_bytes</c>): past it the torrent sends no new requests until the disk catches up, so a disk
    /// slower than the network bounds the memory a download holds instead of piling pieces up. Default 32 MiB.
    /// </summary>
    public long MaxQueuedDiskBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>
    /// True (the default): while a torrent is connected only to seeds, so that no peer will ask it for what it downloads
    /// soon, its verified pieces are written past the page cache (<see cref="PageCache.Bypass"/>, as libtorrent's
    /// <c>disable_os_cache</c> for those writes): the download then costs the kernel no copy into fresh cache pages and
    /// pushes no other program's data out of the cache. With a leecher connected every write goes through the cache, so
    /// serving the piece costs no disk read (in a swarm of 16 leechers, writing past the cache the pieces every
    /// connected peer already had made the swarm slower). False: every write goes through the cache.
    /// </summary>
    public bool UncachedWrites { get; init; } = true;

    /// <summary>Typed alerts kept for <see cref="ClientEngine.ReadAlertsAsync"/> before the oldest are dropped.</summary>
    public int AlertCapacity { get; init; } = 4096;

    /// <summary>The clock of every timer (rechoke, optimistic unchoke, backoff, resume saves, wires, tracker announces).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Logs of the engine and its parts; null logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// The most bytes per second all torrents together upload (piece payload, libtorrent's <c>upload_rate_limit</c>);
    /// 0, the default, is unlimited. Each served block waits for its bytes in one token bucket
    /// (<see cref="BandwidthLimiter"/>), refilled every 100 ms on <see cref="TimeProvider"/>.
    /// </summary>
    public long UploadRateLimit { get; init; }

    /// <summary>
    /// The most bytes per second all torrents together download (piece payload, libtorrent's
    /// <c>download_rate_limit</c>); 0, the default, is unlimited. Requests are paced: a block is asked for only once its
    /// bytes are taken from one token bucket (<see cref="BandwidthLimiter"/>, refilled every 100 ms), so what peers
    /// send us follows the limit within the requests already in flight.
    /// </summary>
    public long DownloadRateLimit { get; init; }

    /// <summary>
    /// Message Stream Encryption on every peer connection (default <see cref="EncryptionPolicy.Enabled"/>: both kinds
    /// accepted on the listen port, outgoing ones try <see cref="MseOptions.OutgoingFirst"/> and then the other, as
    /// libtorrent's default). <see cref="EncryptionPolicy.Required"/> refuses plaintext both ways,
    /// <see cref="EncryptionPolicy.Disabled"/> refuses MSE both ways. The engine's <see cref="TimeProvider"/> replaces the
    /// one given here, and <see cref="LoggerFactory"/> is used when these options name none.
    /// </summary>
    public MseOptions Encryption { get; init; } = new();

    /// <summary>Opens a torrent's storage (tests give in-memory storage); null uses files under the save directory.</summary>
    internal Func<Metainfo.TorrentInfo, TorrentOptions, IPieceStorage>? StorageFactory { get; init; }

    /// <summary>The transport peers are reached over (TCP unless a test gives an in-memory network).</summary>
    internal Transport.IPeerTransport? Transport { get; init; }
}
