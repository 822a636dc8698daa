using System.Globalization;

namespace BitTorrent.Cli;

/// <summary>Options of <c>bt demo</c>.</summary>
public sealed record DemoOptions
{
    /// <summary>Size of the generated file in MiB.</summary>
    public int SizeMiB { get; init; } = 64;

    /// <summary>Piece length in KiB.</summary>
    public int PieceKiB { get; init; } = 256;

    /// <summary>Requests kept in flight by the downloader.</summary>
    public int Depth { get; init; } = 64;

    /// <summary>Seed of the generated content.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Parses <c>--size-mib</c>, <c>--piece-kib</c>, <c>--depth</c> and <c>--seed</c>.</summary>
    /// <exception cref="CliUsageException">An unknown option or a bad value.</exception>
    public static DemoOptions Parse(ReadOnlySpan<string> args)
    {
        var options = new DemoOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (i + 1 >= args.Length) throw new CliUsageException($"{name} needs a value");
            int value = int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0
                ? v
                : throw new CliUsageException($"{name} needs a positive integer, not '{args[i]}'");
            options = name switch
            {
                "--size-mib" => options with { SizeMiB = value <= 4096 ? value : throw new CliUsageException("--size-mib is at most 4096") },
                "--piece-kib" => options with { PieceKiB = value is >= 16 and <= 16384 && (value & (value - 1)) == 0 ? value : throw new CliUsageException("--piece-kib must be a power of two from 16 to 16384") },
                "--depth" => options with { Depth = value <= 2000 ? value : throw new CliUsageException("--depth is at most 2000") },
                "--seed" => options with { Seed = value },
                _ => throw new CliUsageException($"unknown option {name}"),
            };
        }
        return options;
    }
}
