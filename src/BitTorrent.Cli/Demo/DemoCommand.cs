using System.CommandLine;
using System.Globalization;
using BitTorrent.Cli.Commands;
using BitTorrent.Cli.Output;
using BitTorrent.Cli.Parsing;
using BitTorrent.Client;
using Spectre.Console;

namespace BitTorrent.Cli.Demo;

/// <summary><c>bt demo</c>: a local swarm on loopback (DHT, one seeder, N leechers from the magnet link) and its summary.</summary>
internal static class DemoCommand
{
    /// <summary>The <c>demo</c> command.</summary>
    public static Command Create()
    {
        var peers = new Option<int>("--peers") { Description = "Leechers that start from the magnet link alone.", DefaultValueFactory = _ => 8 }
            .Check(v => v is < 1 or > 50 ? "--peers must be from 1 to 50" : null);
        var size = CommonOptions.Size("--size", "Size of the generated multi-file content.", 32L << 20)
            .Check(v => v is < 1 or > 4L << 30 ? "--size must be from 1 byte to 4GiB" : null);
        var dhtNodes = new Option<int>("--dht-nodes") { Description = "DHT nodes on loopback.", DefaultValueFactory = _ => 30 }
            .Check(v => v is < 2 or > 500 ? "--dht-nodes must be from 2 to 500" : null);
        var seed = new Option<int>("--seed") { Description = "Seed of the generated content.", DefaultValueFactory = _ => 1 };
        var timeout = new Option<TimeSpan>("--timeout")
        { Description = "Give up after this long.", DefaultValueFactory = _ => TimeSpan.FromMinutes(3), CustomParser = Durations.Parse };
        var command = new Command("demo", "A whole swarm on loopback, no internet needed: a DHT, one seeder and N leechers that start from the magnet link alone, find each other through the DHT and PEX, fetch the metadata and trade pieces.\n\nExamples:\n  bt demo\n  bt demo --peers 16 --size 128MiB --json")
            { peers, size, dhtNodes, seed, timeout };
        command.SetAction((parse, ct) => RunAsync(new DemoOptions
        {
            Leechers = parse.GetValue(peers),
            Size = parse.GetValue(size),
            DhtNodes = parse.GetValue(dhtNodes),
            Seed = parse.GetValue(seed),
            Timeout = parse.GetValue(timeout),
        }, CommonOptions.CreateReporter(parse), CommonOptions.CreateLoggerFactory(parse), parse.InvocationConfiguration.Output, ct));
        return command;
    }

    /// <summary>Runs the demo; 0 when every leecher completed with files identical to the seeder's.</summary>
    public static async Task<int> RunAsync(DemoOptions options, Reporter reporter, Microsoft.Extensions.Logging.ILoggerFactory logs,
        TextWriter output, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        long started = TimeProvider.System.GetTimestamp();
        await using var swarm = new DemoSwarm(options, logs);
        reporter.Report(new StartedEvent("demo", $"{options.Leechers} leechers, {ByteSize.Format(options.Size)}, {options.DhtNodes} DHT nodes"));
        try
        {
            await swarm.StartAsync(line => { if (reporter.Mode != OutputMode.Json) output.WriteLine("  " + line); }, timeout.Token);
            var info = swarm.Torrent!.Info;
            reporter.Report(new MetadataEvent(info.InfoHash.ToString(), info.Name, info.TotalLength, info.PieceCount, info.PieceLength, info.Files.Count));
            var all = swarm.WhenAllCompleteAsync(timeout.Token);
            if (reporter.Mode == OutputMode.Live) await ShowLiveAsync(swarm, all);
            else await ReportProgressAsync(swarm, reporter, all);
            await all;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            reporter.Report(Summary(swarm, started));
            return reporter.Fail($"not every leecher completed within {options.Timeout}", ExitCodes.NoPeers);
        }
        catch (OperationCanceledException)
        {
            return reporter.Fail("interrupted", ExitCodes.Interrupted);
        }

        var summary = Summary(swarm, started);
        bool identical = true;
        foreach (var leecher in swarm.Leechers) identical &= await swarm.FilesIdenticalAsync(leecher, cancellationToken);
        reporter.Report(summary);
        if (reporter.Mode != OutputMode.Json) PrintSummary(summary, identical, output);
        return identical ? ExitCodes.Success : reporter.Fail("a leecher's files differ from the seeder's", ExitCodes.Failed);
    }

    private static DemoSummaryEvent Summary(DemoSwarm swarm, long started) => new(
        TimeProvider.System.GetElapsedTime(started).TotalSeconds, swarm.Torrent?.Info.TotalLength ?? 0,
        [.. swarm.Leechers.Select(l => new DemoPeerSummary(l.Name, l.Completed.Task.IsCompleted, Math.Round(l.Seconds, 2),
            l.Session?.Downloaded ?? 0, l.Session?.Uploaded ?? 0, l.PeersFrom(PeerSource.Dht), l.PeersFrom(PeerSource.Pex),
            l.PeersFrom(PeerSource.Incoming), l.PiecesVerified, l.HashFailures))]);

    private static async Task ReportProgressAsync(DemoSwarm swarm, Reporter reporter, Task all)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await Task.WhenAny(all, timer.WaitForNextTickAsync().AsTask()) != all)
        {
            foreach (var leecher in swarm.Leechers)
            {
                if (leecher.Session is not { } s) continue;
                int pieces = s.Info?.PieceCount ?? 0;
                reporter.Report(new ProgressEvent(s.InfoHash.ToString(), TorrentWatcher.StateName(s.State), Math.Round(s.Progress * 100, 2),
                    s.Downloaded, s.Uploaded, s.Peers.Sum(p => p.DownloadRate), s.Peers.Sum(p => p.UploadRate), s.Peers.Count,
                    leecher.PiecesVerified, pieces, null) { Time = DateTimeOffset.UtcNow });
            }
        }
    }

    private static async Task ShowLiveAsync(DemoSwarm swarm, Task all)
    {
        await AnsiConsole.Live(Table(swarm)).AutoClear(false).StartAsync(async context =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
            while (await Task.WhenAny(all, timer.WaitForNextTickAsync().AsTask()) != all) context.UpdateTarget(Table(swarm));
            context.UpdateTarget(Table(swarm));
        });
    }

    private static Table Table(DemoSwarm swarm)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("bt demo: leechers")
            .AddColumns("peer", "state", "progress", "down", "up", "peers", "dht/pex/in", "pieces");
        foreach (var l in swarm.Leechers)
        {
            var s = l.Session;
            double percent = (s?.Progress ?? 0) * 100;
            int filled = (int)Math.Round(percent / 5);
            table.AddRow(l.Name, s is null ? "-" : TorrentWatcher.StateName(s.State),
                $"[green]{new string('█', filled)}[/][grey]{new string('░', 20 - filled)}[/] {percent.ToString("F0", CultureInfo.InvariantCulture)}%",
                ByteSize.Format(s?.Peers.Sum(p => p.DownloadRate) ?? 0) + "/s", ByteSize.Format(s?.Peers.Sum(p => p.UploadRate) ?? 0) + "/s",
                (s?.Peers.Count ?? 0).ToString(CultureInfo.InvariantCulture),
                $"{l.PeersFrom(PeerSource.Dht)}/{l.PeersFrom(PeerSource.Pex)}/{l.PeersFrom(PeerSource.Incoming)}",
                l.PiecesVerified.ToString(CultureInfo.InvariantCulture));
        }
        return table;
    }

    private static void PrintSummary(DemoSummaryEvent summary, bool identical, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine("summary");
        output.WriteLine(string.Create(inv, $"  {"peer",-11} {"time",7} {"down",10} {"up",10} {"dht",4} {"pex",4} {"in",4} {"pieces",7} {"bad",4}"));
        foreach (var p in summary.Peers)
            output.WriteLine(string.Create(inv, $"  {p.Name,-11} {p.Seconds,6:F1}s {ByteSize.Format(p.Downloaded),10} {ByteSize.Format(p.Uploaded),10} {p.PeersFromDht,4} {p.PeersFromPex,4} {p.PeersIncoming,4} {p.PiecesVerified,7} {p.HashFailures,4}"));
        long down = summary.Peers.Sum(p => p.Downloaded), up = summary.Peers.Sum(p => p.Uploaded);
        output.WriteLine(string.Create(inv,
            $"  {summary.Peers.Count(p => p.Complete)}/{summary.Peers.Count} leechers complete in {summary.Seconds:F1} s; {ByteSize.Format(down)} downloaded ({ByteSize.Format(down / Math.Max(summary.Seconds, 0.001))}/s), {ByteSize.Format(up)} of it uploaded by leechers to leechers"));
        output.WriteLine($"  files {(identical ? "identical to the seeder's in every leecher" : "DIFFER from the seeder's")}");
    }
}
