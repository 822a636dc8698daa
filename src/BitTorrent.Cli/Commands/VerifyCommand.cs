using System.CommandLine;
using BitTorrent.Cli.Output;
using BitTorrent.Storage;

namespace BitTorrent.Cli.Commands;

/// <summary><c>bt verify FILE.torrent DIR</c>: check every piece on disk against the torrent's SHA-1 hashes.</summary>
internal static class VerifyCommand
{
    /// <summary>The <c>verify</c> command.</summary>
    public static Command Create()
    {
        var torrentPath = new Argument<string>("torrent") { Description = "The .torrent file." };
        var directory = new Argument<string>("directory") { Description = "The directory the torrent was downloaded into." };
        var command = new Command("verify", "Check downloaded data against a torrent's piece hashes (all cores). Exits 1 when a piece is bad or missing.\n\nExample:\n  bt verify photos.torrent ~/Downloads")
            { torrentPath, directory };
        command.SetAction(async (parse, ct) =>
        {
            var reporter = CommonOptions.CreateReporter(parse);
            try
            {
                var input = TorrentInput.Read(parse.GetValue(torrentPath)!);
                if (input.Torrent is null) return reporter.Fail("verify needs a .torrent file (a magnet link has no piece hashes)", ExitCodes.BadInput);
                string dir = parse.GetValue(directory)!;
                if (!Directory.Exists(dir)) return reporter.Fail($"no such directory: {dir}", ExitCodes.BadInput);
                var info = input.Torrent.Info;
                reporter.Report(new StartedEvent("verify", $"{info.Name} in {dir}"));
                await using var storage = new TorrentStorage(info, dir, new StorageOptions { Sparse = true });
                var pieces = await storage.CheckAsync(cancellationToken: ct);
                var bad = Enumerable.Range(0, info.PieceCount).Where(i => !pieces[i]).ToList();
                reporter.Report(new VerifiedEvent(info.InfoHash.ToString(), info.PieceCount, info.PieceCount - bad.Count, bad));
                return bad.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
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
