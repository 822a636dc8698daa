using System.CommandLine;
using BitTorrent.Cli.Output;
using BitTorrent.Metainfo;

namespace BitTorrent.Cli.Commands;

/// <summary><c>bt create PATH -o FILE.torrent</c>: hash a file or directory on all cores and write a .torrent.</summary>
internal static class CreateCommand
{
    /// <summary>The <c>create</c> command.</summary>
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "The file or directory to share." };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the .torrent (default: NAME.torrent here)." };
        var pieceLength = CommonOptions.Size("--piece-length", "Piece length, a power of two from 16KiB to 16MiB (default: about 1,000-2,000 pieces).", 0)
            .Check(v => v != 0 && (v is < 16384 or > 16L << 20 || (v & (v - 1)) != 0) ? "--piece-length must be a power of two from 16KiB to 16MiB" : null);
        var isPrivate = new Option<bool>("--private") { Description = "Mark the torrent private (BEP 27): peers only from its trackers." };
        var trackers = new Option<string[]>("--tracker", "-t")
        {
            Description = "A tracker URL (repeatable; each one its own tier, or several in one tier separated by commas).",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var webSeeds = new Option<string[]>("--web-seed", "-w")
        { Description = "A web seed URL (BEP 19, repeatable).", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };
        var comment = new Option<string>("--comment") { Description = "A comment stored in the torrent." };
        var command = new Command("create", "Create a .torrent from a file or directory (SHA-1 on all cores).\n\nExample:\n  bt create ./photos -o photos.torrent --tracker udp://127.0.0.1:6969/announce")
            { path, output, pieceLength, isPrivate, trackers, webSeeds, comment };
        command.SetAction(async (parse, ct) =>
        {
            var reporter = CommonOptions.CreateReporter(parse);
            string source = parse.GetValue(path)!;
            var options = new TorrentCreateOptions
            {
                PieceLength = parse.GetValue(pieceLength) is long p and > 0 ? (int)p : null,
                IsPrivate = parse.GetValue(isPrivate),
                AnnounceTiers = [.. (parse.GetValue(trackers) ?? []).Select(t => (IReadOnlyList<string>)t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
                WebSeeds = parse.GetValue(webSeeds) ?? [],
                Comment = parse.GetValue(comment),
            };
            foreach (string url in options.AnnounceTiers.SelectMany(t => t).Concat(options.WebSeeds))
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "udp" or "ws" or "wss"))
                    return reporter.Fail($"'{url}' is not an http(s), udp or ws(s) URL", ExitCodes.BadInput);
            if (!File.Exists(source) && !Directory.Exists(source))
                return reporter.Fail($"no such file or directory: {source}", ExitCodes.BadInput);
            try
            {
                reporter.Report(new StartedEvent("create", source));
                var torrent = await TorrentCreator.CreateAsync(source, options, cancellationToken: ct);
                string target = parse.GetValue(output) ?? torrent.Info.Name + ".torrent";
                string temp = target + ".part";
                try
                {
                    await File.WriteAllBytesAsync(temp, torrent.Encode(), ct);
                    File.Move(temp, target, overwrite: true);
                }
                catch
                {
                    File.Delete(temp); // no half-written file is left behind, whatever failed
                    throw;
                }
                var info = torrent.Info;
                reporter.Report(new CreatedEvent(Path.GetFullPath(target), info.InfoHash.ToString(), info.PieceCount, info.PieceLength,
                    info.TotalLength, torrent.ToMagnetLink()));
                return ExitCodes.Success;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return reporter.Fail("interrupted", ExitCodes.Interrupted);
            }
            catch (Exception ex) when (TorrentInput.Classify(ex) is var (message, code))
            {
                return reporter.Fail(message, code);
            }
        });
        return command;
    }
}
