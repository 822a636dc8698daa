namespace BitTorrent.Cli;

/// <summary>The <c>bt</c> command-line tool.</summary>
public static class Program
{
    /// <summary>Dispatches to a subcommand.</summary>
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintUsage();
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            return args[0] switch
            {
                "demo" => await DemoCommand.RunAsync(DemoOptions.Parse(args[1..]), Console.Out),
                _ => Unknown(args[0]),
            };
        }
        catch (CliUsageException ex)
        {
            Console.Error.WriteLine($"bt: {ex.Message}");
            return 2;
        }
    }

    private static int Unknown(string command)
    {
        Console.Error.WriteLine($"bt: unknown command '{command}'");
        PrintUsage();
        return 2;
    }

    private static void PrintUsage() => Console.Error.WriteLine("""
        usage: bt <command> [options]

        commands:
          demo   a local swarm on loopback: one wire seeds a generated file, another downloads it
                 --size-mib N       file size (default 64)
                 --piece-kib N      piece length in KiB (default 256)
                 --depth N          requests kept in flight (default 64)
                 --seed N           content seed (default 1)
        """);
}

/// <summary>A command line that does not parse.</summary>
public sealed class CliUsageException(string message) : Exception(message);
