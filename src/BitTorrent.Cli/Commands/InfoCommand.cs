using System.CommandLine;
using System.Globalization;
using BitTorrent.Cli.Output;
using BitTorrent.Cli.Parsing;

namespace BitTorrent.Cli.Commands;

/// <summary><c>bt info FILE.torrent|MAGNET</c>: what a torrent holds.</summary>
internal static class InfoCommand
{
    /// <summary>The <c>info</c> command.</summary>
    public static Command Create()
    {
        var input = new Argument<string>("torrent") { Description = "A .torrent file, a magnet link, or an info hash." };
        var command = new Command("info", "Show a torrent's files, sizes, pieces, info hash and trackers.\n\nExample:\n  bt info ubuntu.torrent --json")
            { input };
        command.SetAction(parse =>
        {
            var reporter = CommonOptions.CreateReporter(parse);
            TorrentInput torrent;
            try { torrent = TorrentInput.Read(parse.GetValue(input)!); }
            catch (Exception ex) when (TorrentInput.Classify(ex) is var (message, code)) { return reporter.Fail(message, code); }
            var e = Describe(torrent);
            if (reporter.Mode == OutputMode.Json) reporter.Report(e);
            else Print(e, parse.InvocationConfiguration.Output);
            return ExitCodes.Success;
        });
        return command;
    }

    private static TorrentInfoEvent Describe(TorrentInput input)
    {
        if (input.Torrent is { } t)
        {
            var i = t.Info;
            return new TorrentInfoEvent(i.InfoHash.ToString(), i.Name, i.TotalLength, i.PieceLength, i.PieceCount, i.IsPrivate,
                [.. i.Files.Select(f => new FileEntry(f.Path, f.Length, f.Offset, f.IsPadding))], t.AnnounceTiers, t.UrlList,
                t.ToMagnetLink(), t.Comment, t.CreatedBy, t.CreationDate);
        }
        var m = input.Magnet!;
        return new TorrentInfoEvent(m.InfoHash.ToString(), m.DisplayName ?? "", 0, 0, 0, false, [],
            [.. m.Trackers.Select(u => (IReadOnlyList<string>)[u.ToString()])], [.. m.WebSeeds.Select(u => u.ToString())],
            m.ToString(), null, null, null);
    }

    private static void Print(TorrentInfoEvent e, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine($"name        {e.Name}");
        output.WriteLine($"info hash   {e.InfoHash}");
        if (e.Pieces > 0)
        {
            output.WriteLine(string.Create(inv, $"size        {ByteSize.Format(e.Size)} ({e.Size:N0} bytes)"));
            output.WriteLine(string.Create(inv, $"pieces      {e.Pieces:N0} of {ByteSize.Format(e.PieceLength)}"));
            output.WriteLine($"private     {(e.Private ? "yes" : "no")}");
        }
        else output.WriteLine("metadata    not in a magnet link: bt get fetches it from peers");
        if (e.CreatedBy is not null) output.WriteLine($"created by  {e.CreatedBy}");
        if (e.CreationDate is { } date) output.WriteLine($"created     {date.UtcDateTime.ToString("u", inv)}");
        if (e.Comment is not null) output.WriteLine($"comment     {e.Comment}");
        for (int tier = 0; tier < e.Trackers.Count; tier++)
            output.WriteLine($"tracker     tier {tier}: {string.Join(", ", e.Trackers[tier])}");
        foreach (string seed in e.WebSeeds) output.WriteLine($"web seed    {seed}");
        var files = e.Files.Where(f => !f.Padding).ToList();
        if (files.Count > 0)
        {
            output.WriteLine(string.Create(inv, $"files       {files.Count:N0}"));
            foreach (var f in files) output.WriteLine(string.Create(inv, $"  {ByteSize.Format(f.Length),10}  {f.Path}"));
        }
        output.WriteLine($"magnet      {e.Magnet}");
    }
}
