using System.CommandLine;
using BitTorrent.Cli.Output;
using BitTorrent.Client;
using BitTorrent.Metainfo;

namespace BitTorrent.Cli.Commands;

/// <summary><c>bt seed PATH|FILE.torrent</c>: print the magnet link and serve until Ctrl-C.</summary>
internal static class SeedCommand
{
    /// <summary>The <c>seed</c> command.</summary>
    public static Command Create()
    {
        var input = new Argument<string>("source") { Description = "A file or directory to share (a torrent is made for it), or a .torrent whose data is in --directory." };
        var directory = new Option<DirectoryInfo>("--directory", "-d") { Description = "Where the data of a .torrent is (default: the current directory)." };
        var save = new Option<string>("--save-torrent") { Description = "Also write the torrent made for PATH to this file." };
        var command = new Command("seed", "Seed a file, directory or .torrent: prints the magnet link and serves until Ctrl-C.\n\nExamples:\n  bt seed ./photos --port 6881\n  bt seed photos.torrent -d ~/Downloads --peer 127.0.0.1:6882")
            { input, directory, save, EngineCommand.Port, EngineCommand.Peers, EngineCommand.DhtBootstrap, EngineCommand.NoDht, EngineCommand.MaxUploadRate, EngineCommand.Encryption, EngineCommand.ShowPeers };
        command.SetAction(async (parse, ct) =>
        {
            var reporter = EngineCommand.CreateReporter(parse);
            string source = parse.GetValue(input)!;
            try
            {
                Torrent torrent;
                string dataDirectory;
                if (source.EndsWith(".torrent", StringComparison.OrdinalIgnoreCase) && File.Exists(source))
                {
                    torrent = Torrent.Load(source);
                    dataDirectory = (parse.GetValue(directory) ?? new DirectoryInfo(".")).FullName;
                }
                else if (File.Exists(source) || Directory.Exists(source))
                {
                    reporter.Report(new StartedEvent("create", source));
                    torrent = await TorrentCreator.CreateAsync(source, cancellationToken: ct);
                    dataDirectory = Path.GetDirectoryName(Path.GetFullPath(source).TrimEnd(Path.DirectorySeparatorChar))!;
                    if (parse.GetValue(save) is string target) await File.WriteAllBytesAsync(target, torrent.Encode(), ct);
                }
                else return reporter.Fail($"no such file or directory: {source}", ExitCodes.BadInput);

                await using var engine = await EngineCommand.StartEngineAsync(parse, ct);
                var session = await engine.AddAsync(torrent, new TorrentOptions
                {
                    SaveDirectory = dataDirectory,
                    SeedAfterDownload = true,
                    Peers = parse.GetValue(EngineCommand.Peers) ?? [],
                }, ct);
                reporter.Report(new SeedingEvent(session.InfoHash.ToString(), torrent.ToMagnetLink(), engine.ListenPort));
                var outcome = await EngineCommand.WatchAsync(parse, reporter, engine, session, token => Task.Delay(Timeout.Infinite, token), null, ct);
                await session.StopAsync();
                return outcome == EngineCommand.Outcome.Failed
                    ? reporter.Fail(session.ErrorMessage ?? "seeding failed", GetCommand.ErrorCode(session.ErrorMessage))
                    : ExitCodes.Success;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return ExitCodes.Success;
            }
            catch (Exception ex) when (TorrentInput.Classify(ex) is var (message, code))
            {
                return reporter.Fail(message, code);
            }
        });
        return command;
    }
}
