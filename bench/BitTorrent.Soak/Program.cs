using System.Globalization;
using BitTorrent.Soak;

// Usage: dotnet run -c Release --project bench/BitTorrent.Soak -- [--mode wires|swarm] [--wires 200] [--depth 8] [--rate MB/s]
//        [--leechers 4] [--swarm-mib 16] [--minutes 10 | --seconds 600] [--warmup 60] [--sample 5] [--csv curve.csv]
// Prints each memory sample as it is taken, then the summary and the checks; exits 1 when a check fails, 2 on bad arguments.
SoakOptions options;
string? csv;
try
{
    (options, csv) = Parse(args);
}
catch (Exception e) when (e is FormatException or ArgumentException)
{
    Console.Error.WriteLine($"soak: {e.Message}");
    Console.Error.WriteLine("usage: [--mode wires|swarm] [--wires N] [--depth N] [--rate MB/s] [--leechers N] [--swarm-mib N] [--minutes M | --seconds S] [--warmup S] [--sample S] [--csv PATH]");
    return 2;
}

Console.WriteLine($"soak: {options.Mode}, {options.Duration.TotalSeconds:F0} s, warm-up {options.WarmUp.TotalSeconds:F0} s, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}");
Console.WriteLine(MemorySample.CsvHeader);
var result = await SoakRunner.RunAsync(options, sample => Console.WriteLine(sample.ToCsv()));
if (csv is not null)
{
    await using var writer = File.CreateText(csv);
    result.WriteCurve(writer);
}
Console.WriteLine($"load average at the end: {LoadAverage()}");
result.WriteSummary(Console.Out);
return result.Passed ? 0 : 1;

static (SoakOptions Options, string? Csv) Parse(string[] args)
{
    var options = new SoakOptions();
    string? csv = null;
    if (args.Length % 2 != 0) throw new ArgumentException("options come in pairs: --name value");
    for (int i = 0; i < args.Length; i += 2)
    {
        string name = args[i], value = args[i + 1];
        if (name == "--csv")
        {
            csv = value;
            continue;
        }
        options = name switch
        {
            "--mode" => options with { Mode = Enum.Parse<SoakMode>(value, ignoreCase: true) },
            "--wires" => options with { Wires = Positive(value) },
            "--depth" => options with { Depth = Positive(value) },
            "--rate" => options with { MegabytesPerSecond = Positive(value) },
            "--leechers" => options with { Leechers = Positive(value) },
            "--swarm-mib" => options with { SwarmBytes = (long)Positive(value) << 20 },
            "--minutes" => options with { Duration = TimeSpan.FromMinutes(Positive(value)) },
            "--seconds" => options with { Duration = TimeSpan.FromSeconds(Positive(value)) },
            "--warmup" => options with { WarmUp = TimeSpan.FromSeconds(int.Parse(value, CultureInfo.InvariantCulture)) },
            "--sample" => options with { SampleInterval = TimeSpan.FromSeconds(Positive(value)) },
            _ => throw new ArgumentException($"unknown option {name}"),
        };
    }
    return (options, csv);
}

static int Positive(string value)
{
    int n = int.Parse(value, CultureInfo.InvariantCulture);
    return n > 0 ? n : throw new ArgumentException($"{value} is not positive");
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
