using System.Net;
using System.Security.Cryptography;
using BitTorrent.Client;
using BitTorrent.Metainfo;

namespace BitTorrent.Soak;

/// <summary>
/// One seeding <see cref="ClientEngine"/> and <see cref="SoakOptions.Leechers"/> leeching engines on loopback. Each
/// leecher downloads the torrent into a fresh directory (from the seeder and the other leechers), its files are compared
/// with the seeder's by SHA-256, the torrent is removed and the directory deleted, and again, until stopped. The engines
/// live for the whole soak, so what one download leaves behind in an engine accumulates.
/// </summary>
internal sealed class SwarmSoak(SoakOptions options, SoakCounters counters) : ISoakWorkload
{
    private const int PieceLength = 256 * 1024;
    private static readonly TimeSpan RoundBound = TimeSpan.FromMinutes(2);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "bt-soak-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly List<ClientEngine> _leechers = [];
    private readonly List<Task> _loops = [];
    private readonly Dictionary<string, byte[]> _expected = [];
    private ClientEngine? _seeder;
    private Torrent? _torrent;
    private long _rounds;
    private long[] _roundsPerLeecher = [];
    private volatile bool _stopping;

    public string Description =>
        $"swarm: 1 seeding engine and {options.Leechers} leeching engines on loopback TCP, a {options.SwarmBytes / (1 << 20)} MiB torrent of 2 files in {PieceLength / 1024} KiB pieces downloaded again and again ({Interlocked.Read(ref _rounds)} downloads){(options.MegabytesPerSecond > 0 ? $", downloads capped at {options.MegabytesPerSecond} MB/s together" : "")}";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var seedDirectory = Path.Combine(_root, "seed");
        var content = Path.Combine(seedDirectory, "content");
        Directory.CreateDirectory(content);
        var random = new Random(14);
        long first = options.SwarmBytes * 3 / 4 + 1001;
        foreach (var (name, size) in new[] { ("a.bin", first), ("b.bin", options.SwarmBytes - first) })
        {
            var bytes = new byte[size];
            random.NextBytes(bytes);
            await File.WriteAllBytesAsync(Path.Combine(content, name), bytes, cancellationToken).ConfigureAwait(false);
            _expected[Path.Combine("content", name)] = SHA256.HashData(bytes);
        }
        _torrent = await TorrentCreator.CreateAsync(content, new TorrentCreateOptions { PieceLength = PieceLength }, cancellationToken: cancellationToken)
            .ConfigureAwait(false);

        _seeder = await ClientEngine.StartAsync(EngineOptions(downloadRateLimit: 0), cancellationToken).ConfigureAwait(false);
        var seed = await _seeder.AddAsync(_torrent, new TorrentOptions { SaveDirectory = seedDirectory }, cancellationToken).ConfigureAwait(false);
        await seed.WaitForCompletionAsync(cancellationToken).WaitAsync(RoundBound, cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < options.Leechers; i++)
            _leechers.Add(await ClientEngine.StartAsync(EngineOptions(LeecherRateLimit), cancellationToken).ConfigureAwait(false));
        _roundsPerLeecher = new long[_leechers.Count];
        var everyone = _leechers.Prepend(_seeder).Select(e => new IPEndPoint(IPAddress.Loopback, e.ListenPort)).ToArray();
        for (int i = 0; i < _leechers.Count; i++)
        {
            var engine = _leechers[i];
            var peers = everyone.Where(p => p.Port != engine.ListenPort).ToArray();
            int leecher = i;
            _loops.Add(Task.Run(() => LeechAsync(leecher, engine, peers), CancellationToken.None));
        }
    }

    /// <summary>Each leecher's share of <see cref="SoakOptions.MegabytesPerSecond"/> in bytes per second; 0 when uncapped.</summary>
    private long LeecherRateLimit => (long)(options.MegabytesPerSecond * 1e6 / Math.Max(1, options.Leechers));

    private static EngineOptions EngineOptions(long downloadRateLimit) =>
        new() { ListenAddresses = [IPAddress.Loopback], EnableDht = false, DownloadRateLimit = downloadRateLimit };

    /// <summary>Downloads, verifies and removes the torrent, again and again until stopped.</summary>
    private async Task LeechAsync(int leecher, ClientEngine engine, IPEndPoint[] peers)
    {
        for (int round = 0; !_stopping; round++)
        {
            var directory = Path.Combine(_root, $"leecher{leecher}", $"round{round}");
            Directory.CreateDirectory(directory);
            var session = await engine.AddAsync(_torrent!, new TorrentOptions { SaveDirectory = directory, Peers = peers }).ConfigureAwait(false);
            try
            {
                await session.WaitForCompletionAsync().WaitAsync(RoundBound).ConfigureAwait(false);
                await VerifyAsync(leecher, round, directory).ConfigureAwait(false);
                Interlocked.Increment(ref _rounds);
                Interlocked.Increment(ref _roundsPerLeecher[leecher]);
            }
            catch (Exception e) when (e is TimeoutException or TorrentException)
            {
                counters.Failure($"leecher {leecher}, download {round}: {e.GetType().Name}: {e.Message} ({session.State}, {session.Progress:P0})");
            }
            finally
            {
                await engine.RemoveAsync(session).ConfigureAwait(false);
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private async Task VerifyAsync(int leecher, int round, string directory)
    {
        foreach (var (path, hash) in _expected)
        {
            await using var file = File.OpenRead(Path.Combine(directory, path));
            if (!(await SHA256.HashDataAsync(file).ConfigureAwait(false)).AsSpan().SequenceEqual(hash))
            {
                counters.Mismatch($"leecher {leecher}, download {round}: {path} differs from the seeder's");
                return;
            }
        }
        counters.Verified(options.SwarmBytes);
    }

    public async Task StopAsync()
    {
        _stopping = true;
        await Task.WhenAll(_loops).WaitAsync(RoundBound).ConfigureAwait(false);
        foreach (var engine in _leechers) await engine.DisposeAsync().ConfigureAwait(false);
        if (_seeder is not null) await _seeder.DisposeAsync().ConfigureAwait(false);
    }

    public IReadOnlyList<SoakCheck> FinalChecks() =>
    [
        new("every leecher completed downloads", _roundsPerLeecher.Length > 0 && _roundsPerLeecher.All(r => r > 0),
            $"{Interlocked.Read(ref _rounds)} verified downloads, per leecher {string.Join(", ", _roundsPerLeecher)}"),
    ];

    public async ValueTask DisposeAsync()
    {
        foreach (var engine in _leechers) await engine.DisposeAsync().ConfigureAwait(false);
        if (_seeder is not null) await _seeder.DisposeAsync().ConfigureAwait(false);
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
