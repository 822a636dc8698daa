using System.CommandLine;
using System.Net;
using BitTorrent.Cli.Output;
using BitTorrent.Client;
using BitTorrent.Encryption;
using Spectre.Console;

namespace BitTorrent.Cli.Commands;

/// <summary>
/// What <c>bt get</c> and <c>bt seed</c> share: the engine options from the command line, starting the engine, and
/// watching a torrent (alerts to events, progress every second, the live view on a terminal) until it is done, fails,
/// finds no peer in time, or the user presses Ctrl-C (a graceful stop: requests cancelled, resume data written).
/// </summary>
internal static class EngineCommand
{
    public static readonly Option<int> Port = CommonOptions.Port("--port", "TCP port to accept peers on (0 = any free port).", 0);
    public static readonly Option<IPEndPoint[]> Peers = CommonOptions.EndPoints("--peer", "A peer to connect to, HOST:PORT (repeatable).");
    public static readonly Option<IPEndPoint[]> DhtBootstrap = CommonOptions.EndPoints("--dht-bootstrap",
        "A DHT node to bootstrap from (repeatable); without it, the public routers.");
    public static readonly Option<bool> NoDht = new("--no-dht") { Description = "Do not use the DHT (BEP 5)." };
    public static readonly Option<long> MaxUploadRate = CommonOptions.Rate("--max-upload-rate", "Upload at most this fast, over all peers");
    public static readonly Option<long> MaxDownloadRate = CommonOptions.Rate("--max-download-rate", "Download at most this fast, over all peers");
    public static readonly Option<bool> ShowPeers = new("--peers") { Description = "Show one row per peer in the live view." };
    public static readonly Option<EncryptionPolicy> Encryption = new("--encryption")
    {
        Description = "Message Stream Encryption (MSE/PE): Disabled (plaintext only), Enabled (both, plaintext first), "
            + "Preferred (both, encrypted first) or Required (encrypted only).",
        DefaultValueFactory = _ => EncryptionPolicy.Enabled,
    };

    /// <summary>Starts an engine as the options say.</summary>
    public static Task<ClientEngine> StartEngineAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var bootstrap = parse.GetValue(DhtBootstrap) ?? [];
        return ClientEngine.StartAsync(new EngineOptions
        {
            ListenPort = parse.GetValue(Port),
            EnableDht = !parse.GetValue(NoDht),
            UploadRateLimit = parse.GetValue(MaxUploadRate),
            DownloadRateLimit = parse.GetValue(MaxDownloadRate),
            Encryption = new MseOptions { Policy = parse.GetValue(Encryption) },
            DhtBootstrapNodes = bootstrap.Length > 0 ? bootstrap : null,
            LoggerFactory = CommonOptions.CreateLoggerFactory(parse),
        }, cancellationToken);
    }

    /// <summary>How watching ended.</summary>
    public enum Outcome { Completed, Failed, NoPeers, Interrupted }

    /// <summary>
    /// Reports <paramref name="session"/> until <paramref name="until"/> completes (or the torrent fails, or no peer
    /// connected within <paramref name="peerTimeout"/>, or <paramref name="cancellationToken"/> is cancelled).
    /// </summary>
    public static async Task<Outcome> WatchAsync(ParseResult parse, Reporter reporter, ClientEngine engine, TorrentSession session,
        Func<CancellationToken, Task> until, TimeSpan? peerTimeout, CancellationToken cancellationToken)
    {
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var peerSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watcher = new TorrentWatcher(engine, reporter, TimeProvider.System)
        {
            AlertReceived = alert =>
            {
                if (alert is TorrentErrorAlert) failed.TrySetResult();
                if (alert is PeerConnectedAlert) peerSeen.TrySetResult();
            },
        };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watchers = new List<Task> { watcher.WatchAlertsAsync(stop.Token), watcher.WatchProgressAsync(stop.Token) };
        if (reporter is TorrentView live) watchers.Add(live.RunAsync(engine, TimeProvider.System, stop.Token));
        try
        {
            var done = until(stop.Token);
            var noPeers = peerTimeout is TimeSpan t
                ? Task.Delay(t, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default)
                : Task.Delay(Timeout.Infinite, stop.Token);
            Task seen = peerSeen.Task;
            while (true)
            {
                var first = await Task.WhenAny(done, failed.Task, noPeers, seen);
                if (first == seen) { noPeers = seen = Task.Delay(Timeout.Infinite, stop.Token); continue; }
                if (cancellationToken.IsCancellationRequested) return Outcome.Interrupted;
                if (first == failed.Task || session.State == TorrentState.Error) return Outcome.Failed;
                if (first == noPeers && !done.IsCompleted) return Outcome.NoPeers;
                await done;
                return Outcome.Completed;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Outcome.Interrupted;
        }
        finally
        {
            reporter.Report(watcher.Sample(session));
            await stop.CancelAsync();
            await Task.WhenAll(watchers);
        }
    }

    /// <summary>The reporter, or the live view on a terminal.</summary>
    public static Reporter CreateReporter(ParseResult parse)
    {
        var reporter = CommonOptions.CreateReporter(parse);
        return reporter.Mode == OutputMode.Live
            ? new TorrentView(AnsiConsole.Console, parse.GetValue(ShowPeers), parse.InvocationConfiguration.Error)
            : reporter;
    }
}
