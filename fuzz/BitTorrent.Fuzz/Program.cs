using BitTorrent.Fuzz;

// bt-fuzz <target>                          one input from stdin; under afl-fuzz, SharpFuzz's persistent loop
// bt-fuzz replay <target> <file|dir>...     every input through the target in-process; exit 1 on a finding
// bt-fuzz mutate <target> <seconds> <corpus-dir> <findings-dir>   in-process mutation loop (no AFL needed)
// bt-fuzz seeds <corpus-root>               writes the generated seed corpus
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: <target> | replay <target> <path>... | mutate <target> <seconds> <corpus> <findings> | seeds <root> | list");
    return 2;
}
switch (args[0])
{
    case "list":
        foreach (var name in FuzzTargets.All.Keys) Console.WriteLine(name);
        return 0;
    case "seeds":
        SeedCorpus.WriteAll(args[1]);
        return 0;
    case "replay":
        return Replay.Run(FuzzTargets.Get(args[1]), args[2..], Console.Out);
    case "mutate":
        return MutationLoop.Run(args[1], TimeSpan.FromSeconds(double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture)), args[3], args[4], Console.Out);
    default:
        var target = FuzzTargets.Get(args[0]);
        SharpFuzz.Fuzzer.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target(buffer.ToArray());
        });
        return 0;
}
