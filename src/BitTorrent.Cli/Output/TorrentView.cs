using System.Globalization;
using BitTorrent.Cli.Parsing;
using BitTorrent.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace BitTorrent.Cli.Output;

/// <summary>
/// The terminal view of <c>bt get</c>/<c>seed</c>: per torrent a progress bar with rates, ETA, peers by source and
/// pieces; with <c>--peers</c> one row per peer (address, client, flags, direction, progress, rates), as webtorrent-cli
/// does. Redrawn in place by Spectre.Console's live display at most 4 times a second; the last few events sit below.
/// </summary>
internal sealed class TorrentView(IAnsiConsole console, bool showPeers, TextWriter error) : Reporter(OutputMode.Live, TextWriter.Null, error)
{
    private readonly Queue<string> _log = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ProgressEvent> _progress = [];

    /// <summary>Keeps events for the view instead of printing them.</summary>
    public override void Report(CliEvent e)
    {
        lock (_gate)
        {
            if (e is ProgressEvent p) { _progress[p.InfoHash] = p; return; }
            if (e is PieceVerifiedEvent) return;
            _log.Enqueue($"{e.Time.ToLocalTime():HH:mm:ss} {e.Describe()}");
            while (_log.Count > 5) _log.Dequeue();
        }
    }

    /// <summary>Redraws every 250 ms until <paramref name="cancellationToken"/> is cancelled, then once more.</summary>
    public async Task RunAsync(ClientEngine engine, TimeProvider time, CancellationToken cancellationToken)
    {
        await console.Live(new Text("starting...")).AutoClear(false).Overflow(VerticalOverflow.Ellipsis).StartAsync(async context =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250), time);
            await using (cancellationToken.Register(timer.Dispose)) // ends the wait with false, no exception (TorrentWatcher)
            {
                do context.UpdateTarget(Render(engine.Torrents));
                while (await timer.WaitForNextTickAsync());
            }
            context.UpdateTarget(Render(engine.Torrents));
        });
    }

    /// <summary>The view of <paramref name="torrents"/> as it would be drawn now.</summary>
    public IRenderable Render(IEnumerable<TorrentSession> torrents)
    {
        var rows = new List<IRenderable>();
        lock (_gate)
        {
            foreach (var session in torrents)
            {
                _progress.TryGetValue(session.InfoHash.ToString(), out var p);
                rows.Add(TorrentPanel(session, p));
                if (showPeers && session.Peers.Count > 0) rows.Add(PeerTable(session.Peers));
            }
            foreach (string line in _log) rows.Add(new Text(line, new Style(Color.Grey)));
        }
        return new Rows(rows);
    }

    private static IRenderable TorrentPanel(TorrentSession session, ProgressEvent? p)
    {
        double percent = session.Progress * 100;
        var bar = new BreakdownChart().Width(50).HideTags()
            .AddItem("done", Math.Max(percent, 0.0001), Color.Green)
            .AddItem("left", Math.Max(100 - percent, 0.0001), Color.Grey23);
        var sources = session.Peers.GroupBy(x => x.Source).OrderBy(g => g.Key)
            .Select(g => $"{g.Key.ToString().ToLowerInvariant()} {g.Count()}");
        string eta = p?.EtaSeconds is double s && s > 0 ? TimeSpan.FromSeconds(Math.Round(s)).ToString() : "-";
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow(new Markup($"[bold]{Markup.Escape(session.Name)}[/]"),
            new Markup($"[blue]{TorrentWatcher.StateName(session.State)}[/] {percent.ToString("F1", CultureInfo.InvariantCulture)}%"));
        grid.AddRow(bar, new Text(string.Create(CultureInfo.InvariantCulture,
            $"down {ByteSize.Format(p?.DownloadRate ?? 0)}/s  up {ByteSize.Format(p?.UploadRate ?? 0)}/s  eta {eta}")));
        grid.AddRow(new Text($"peers {session.Peers.Count}/{session.KnownPeers} known ({string.Join(", ", sources)})"),
            new Text($"pieces {p?.PiecesHave ?? 0}/{p?.PiecesTotal ?? session.Info?.PieceCount ?? 0}"));
        if (session.ErrorMessage is string error) grid.AddRow(new Markup($"[red]{Markup.Escape(error)}[/]"), new Text(""));
        return grid;
    }

    private static Table PeerTable(IReadOnlyList<PeerInfo> peers)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumns("address", "client", "flags", "dir", "source", "has", "down", "up");
        foreach (var peer in peers.OrderByDescending(x => x.DownloadRate + x.UploadRate).Take(30))
        {
            table.AddRow(peer.EndPoint.ToString(), Markup.Escape(peer.Client), Flags(peer.Flags),
                peer.Direction == PeerDirection.Incoming ? "in" : "out", peer.Source.ToString().ToLowerInvariant(),
                (peer.Progress * 100).ToString("F0", CultureInfo.InvariantCulture) + "%",
                ByteSize.Format(peer.DownloadRate) + "/s", ByteSize.Format(peer.UploadRate) + "/s");
        }
        return table;
    }

    /// <summary>libtorrent-style flag letters: d/D interested+unchoked, u/U, S snubbed, s seed, f fast, e extended, x pex.</summary>
    private static string Flags(PeerFlags f)
    {
        var chars = new List<char>();
        if (f.HasFlag(PeerFlags.AmInterested)) chars.Add(f.HasFlag(PeerFlags.PeerChoking) ? 'd' : 'D');
        if (f.HasFlag(PeerFlags.PeerInterested)) chars.Add(f.HasFlag(PeerFlags.AmChoking) ? 'u' : 'U');
        if (f.HasFlag(PeerFlags.Snubbed)) chars.Add('S');
        if (f.HasFlag(PeerFlags.Seed)) chars.Add('s');
        if (f.HasFlag(PeerFlags.Fast)) chars.Add('f');
        if (f.HasFlag(PeerFlags.Extended)) chars.Add('e');
        if (f.HasFlag(PeerFlags.Pex)) chars.Add('x');
        return new string([.. chars]);
    }
}
