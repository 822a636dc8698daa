using System.CommandLine;
using System.Globalization;
using BitTorrent.Cli.Output;
using BitTorrent.Client;

namespace BitTorrent.Cli.Commands;

/// <summary><c>bt get MAGNET|FILE.torrent|INFOHASH -o DIR</c>: download, verify every piece, exit 0 when complete.</summary>
internal static class GetCommand
{
    /// <summary>The <c>get</c> command.</summary>
    public static Command Create()
    {
        var input = new Argument<string>("torrent") { Description = "A magnet link, a .torrent file, or an info hash (40 hex digits)." };
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "Directory to download into (default: the current one)." };
        var seed = new Option<bool>("--seed") { Description = "Keep seeding after the download completes, until Ctrl-C." };
        var files = new Option<string>("--files") { Description = "Download only these files: indices as bt info lists them, e.g. 0,2,5-7." };
        var sequential = new Option<bool>("--sequential") { Description = "Download pieces in order (for streaming)." };
        var peerTimeout = new Option<TimeSpan>("--peer-timeout")
        {
            Description = "Exit with code 4 if no peer has connected within this long (e.g. 60s, 5m).",
            DefaultValueFactory = _ => TimeSpan.FromMinutes(2),
            CustomParser = Parsing.Durations.Parse,
        };
        var resumeInterval = new Option<TimeSpan>("--resume-interval")
        {
            Description = "Write resume data (the verified pieces, in DIR/.bt) this often while downloading (e.g. 10s, 1m; at least 1s).",
            DefaultValueFactory = _ => TimeSpan.FromMinutes(1),
            CustomParser = Parsing.Durations.Parse,
        };
        var command = new Command("get", "Download a torrent, verify every piece, exit 0 when complete.\n\nExamples:\n  bt get 'magnet:?xt=urn:btih:...' -o ~/Downloads\n  bt get ubuntu.torrent -o . --peer 127.0.0.1:6881 --no-dht")
        {
            input, output, EngineCommand.Peers, EngineCommand.Port, EngineCommand.DhtBootstrap, EngineCommand.NoDht, EngineCommand.MaxUploadRate, EngineCommand.MaxDownloadRate, EngineCommand.Encryption, seed, files,
            sequential, peerTimeout, resumeInterval, EngineCommand.ShowPeers,
        };
        command.SetAction(async (parse, ct) =>
        {
            var reporter = EngineCommand.CreateReporter(parse);
            TorrentInput torrent;
            IReadOnlyCollection<int>? selected;
            try
            {
                torrent = TorrentInput.Read(parse.GetValue(input)!);
                selected = ParseFileList(parse.GetValue(files), torrent.Torrent?.Info.Files.Count);
            }
            catch (FormatException ex) when (ex is not Metainfo.MetainfoException and not Extensions.MagnetLinkFormatException)
            {
                return reporter.Fail(ex.Message, ExitCodes.Usage);
            }
            catch (Exception ex) when (TorrentInput.Classify(ex) is var (message, code))
            {
                return reporter.Fail(message, code);
            }
            string directory = (parse.GetValue(output) ?? new DirectoryInfo(".")).FullName;
            try
            {
                Directory.CreateDirectory(directory);
                await using var engine = await EngineCommand.StartEngineAsync(parse, ct);
                var options = new TorrentOptions
                {
                    SaveDirectory = directory,
                    SeedAfterDownload = parse.GetValue(seed),
                    SelectedFiles = selected,
                    Sequential = parse.GetValue(sequential),
                    Peers = parse.GetValue(EngineCommand.Peers) ?? [],
                    ResumeFilePath = Path.Combine(directory, ".bt", torrent.InfoHash + ".resume"),
                    ResumeSaveInterval = parse.GetValue(resumeInterval),
                };
                Directory.CreateDirectory(Path.GetDirectoryName(options.ResumeFilePath)!);
                reporter.Report(new StartedEvent("get", torrent.Torrent?.Info.Name ?? torrent.Magnet!.ToString()));
                if (torrent.Torrent is { } t)
                {
                    var i = t.Info;
                    reporter.Report(new MetadataEvent(i.InfoHash.ToString(), i.Name, i.TotalLength, i.PieceCount, i.PieceLength, i.Files.Count(f => !f.IsPadding)));
                }
                var session = torrent.Torrent is { } known
                    ? await engine.AddAsync(known, options, ct)
                    : await engine.AddAsync(torrent.Magnet!, options, ct);
                long started = TimeProvider.System.GetTimestamp();
                var outcome = await EngineCommand.WatchAsync(parse, reporter, engine, session, session.WaitForCompletionAsync,
                    parse.GetValue(peerTimeout), ct);
                if (outcome == EngineCommand.Outcome.Completed)
                {
                    reporter.Report(new CompleteEvent(session.InfoHash.ToString(), session.BytesVerified,
                        TimeProvider.System.GetElapsedTime(started).TotalSeconds));
                    if (parse.GetValue(seed))
                    {
                        reporter.Report(new SeedingEvent(session.InfoHash.ToString(), Magnet(session), engine.ListenPort));
                        outcome = await EngineCommand.WatchAsync(parse, reporter, engine, session, token => Task.Delay(Timeout.Infinite, token), null, ct);
                    }
                }
                await session.StopAsync();
                return outcome switch
                {
                    EngineCommand.Outcome.Completed => ExitCodes.Success,
                    EngineCommand.Outcome.Interrupted when parse.GetValue(seed) && session.State is TorrentState.Seeding or TorrentState.Stopped && session.Progress >= 1 => ExitCodes.Success,
                    EngineCommand.Outcome.Interrupted => reporter.Fail("interrupted; resume data written, run the same command to continue", ExitCodes.Interrupted),
                    EngineCommand.Outcome.NoPeers => reporter.Fail($"no peer connected within {parse.GetValue(peerTimeout)}", ExitCodes.NoPeers),
                    _ => reporter.Fail(session.ErrorMessage ?? "the download failed", ErrorCode(session.ErrorMessage)),
                };
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return reporter.Fail("interrupted while starting", ExitCodes.Interrupted); // Ctrl-C before the torrent ran
            }
            catch (Exception ex) when (TorrentInput.Classify(ex) is var (message, code))
            {
                return reporter.Fail(message, code);
            }
        });
        return command;
    }

    /// <summary>The magnet link of a session's torrent.</summary>
    internal static string Magnet(TorrentSession session) =>
        new Extensions.MagnetLink(session.InfoHash, session.Name).ToString();

    /// <summary>Storage failures are I/O errors; anything else is a failed download.</summary>
    internal static int ErrorCode(string? message) =>
        message is not null && (message.Contains("disk", StringComparison.OrdinalIgnoreCase) || message.Contains("denied", StringComparison.OrdinalIgnoreCase)
            || message.Contains("I/O", StringComparison.OrdinalIgnoreCase) || message.Contains("file", StringComparison.OrdinalIgnoreCase))
            ? ExitCodes.IoError : ExitCodes.Failed;

    /// <summary>Parses <c>0,2,5-7</c>; throws <see cref="FormatException"/> for anything else or an index past <paramref name="fileCount"/>.</summary>
    internal static IReadOnlyCollection<int>? ParseFileList(string? text, int? fileCount)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var set = new SortedSet<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string[] range = part.Split('-', 2);
            if (!int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first)
                || !int.TryParse(range[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int last) || last < first || last - first > 1_000_000)
                throw new FormatException($"--files needs indices such as 0,2,5-7, not '{part}'");
            if (fileCount is int count && last >= count)
                throw new FormatException($"--files: the torrent has {count} files (0 to {count - 1}), not {last}");
            for (int i = first; i <= last; i++) set.Add(i);
        }
        return set;
    }
}
