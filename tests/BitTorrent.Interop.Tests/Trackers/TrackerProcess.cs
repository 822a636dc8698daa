using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using BitTorrent.Interop.Tests.Extensions;
using BitTorrent.Testing;

namespace BitTorrent.Interop.Tests.Trackers;

/// <summary>
/// A real tracker on 127.0.0.1: Debian's opentracker or the npm bittorrent-tracker server, over the shared
/// <see cref="PeerProcess"/>. Disposing kills it (and its process tree) by its id; a start that fails half-way kills
/// what it started before it throws.
/// </summary>
internal sealed class TrackerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private readonly PeerProcess _process;
    private readonly string? _directory;

    private TrackerProcess(PeerProcess process, string? directory)
    {
        _process = process;
        _directory = directory;
    }

    public required string Name { get; init; }

    public int HttpPort { get; private set; }

    public int UdpPort { get; private set; }

    public Uri HttpAnnounce => new($"http://127.0.0.1:{HttpPort}/announce");

    public Uri UdpAnnounce => new($"udp://127.0.0.1:{UdpPort}/announce");

    public Uri Announce(string protocol) => protocol == "udp" ? UdpAnnounce : HttpAnnounce;

    /// <summary>Starts <c>opentracker</c> serving HTTP and UDP on one port, chrooted to a fresh directory holding the
    /// whitelist of <paramref name="infoHashes"/> (Debian builds it with a whitelist).</summary>
    public static async Task<TrackerProcess> StartOpentrackerAsync(params InfoHash[] infoHashes)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("opentracker runs on Linux");
        var directory = Directory.CreateTempSubdirectory("opentracker-").FullName;
        // opentracker drops to user nobody after the chroot: the directory and the list must be readable to it.
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        await File.WriteAllLinesAsync(Path.Combine(directory, "whitelist"), infoHashes.Select(h => h.ToString()));
        int port = FreePortForTcpAndUdp();
        var process = PeerProcess.Start("/usr/bin/opentracker", directory,
            ["-i", "127.0.0.1", "-p", $"{port}", "-P", $"{port}", "-d", directory, "-w", "/whitelist"],
            missingHint: "install the Debian package (scripts/install-test-deps.sh does)");
        var tracker = new TrackerProcess(process, directory) { Name = "opentracker", HttpPort = port, UdpPort = port };
        try
        {
            await tracker.WaitUntilListeningAsync(port);
            if (infoHashes.Length > 0) await tracker.WaitUntilWhitelistedAsync(port, infoHashes[0]);
            return tracker;
        }
        catch
        {
            await tracker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts <c>node tests/interop-peers/tracker-server.mjs</c> and waits for its listening line.</summary>
    public static async Task<TrackerProcess> StartBittorrentTrackerAsync()
    {
        var folder = ExtRepository.InteropPeers;
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "bittorrent-tracker")))
            throw new InvalidOperationException($"bittorrent-tracker is missing: run 'npm ci' in {folder} (scripts/install-test-deps.sh does)");
        var tracker = new TrackerProcess(PeerProcess.Start("node", folder, ["tracker-server.mjs", "{\"lifetime\":120}"]), null)
        {
            Name = "bittorrent-tracker",
        };
        try
        {
            var line = await tracker._process.WaitForLineAsync(
                l => l.StartsWith('{') && JsonNode.Parse(l) is JsonObject json && (string?)json["event"] == "listening", StartTimeout, "'listening'");
            var ports = JsonNode.Parse(line)!.AsObject();
            tracker.HttpPort = (int)ports["http"]!;
            tracker.UdpPort = (int)ports["udp"]!;
            return tracker;
        }
        catch
        {
            await tracker.DisposeAsync();
            throw;
        }
    }

    public string Output => _process.Output();

    public override string ToString() => Name;

    /// <summary>opentracker prints nothing when it is ready (its stdout is block-buffered), so readiness is its TCP
    /// port accepting a connection; it binds both sockets before it serves either. Bounded by <see cref="StartTimeout"/>.</summary>
    private async Task WaitUntilListeningAsync(int port)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"opentracker exited ({_process.ExitCode}):\n{Output}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < StartTimeout)
            {
                await Task.Delay(25);
            }
        }
    }

    /// <summary>opentracker loads its whitelist on a thread of its own, after it starts listening: until then every
    /// announce is refused as "not authorized". A <c>stopped</c> announce is never checked against the list, so the
    /// probe is a plain announce, repeated until it is accepted (bounded by <see cref="StartTimeout"/>), and then a
    /// <c>stopped</c> one takes the probe's peer off the torrent again.</summary>
    private async Task WaitUntilWhitelistedAsync(int port, InfoHash infoHash)
    {
        var hash = string.Concat(infoHash.ToArray().Select(b => $"%{b:X2}"));
        var probe = $"http://127.0.0.1:{port}/announce?info_hash={hash}&peer_id=-PROBE-0000000000000&port=1&uploaded=0&downloaded=0&left=0&compact=1";
        // opentracker closes every connection after its answer without saying so: none may be reused.
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = StartTimeout };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var body = await http.GetStringAsync(probe);
            if (!body.Contains("not authorized", StringComparison.Ordinal)) break;
            if (deadline.Elapsed > StartTimeout) throw new InvalidOperationException($"opentracker never loaded its whitelist:\n{Output}");
            await Task.Delay(25);
        }
        await http.GetStringAsync(probe + "&event=stopped");
    }

    /// <summary>A port free for both TCP and UDP on 127.0.0.1 right now.</summary>
    private static int FreePortForTcpAndUdp()
    {
        for (int attempt = 0; ; attempt++)
        {
            var tcp = new TcpListener(IPAddress.Loopback, 0);
            tcp.Start();
            int port = ((IPEndPoint)tcp.LocalEndpoint).Port;
            try
            {
                using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
                // Taken for UDP: try another.
            }
            finally
            {
                tcp.Stop();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.DisposeAsync();
        }
        finally
        {
            if (_directory is not null) Directory.Delete(_directory, recursive: true);
        }
    }
}
