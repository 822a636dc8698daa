using System.CommandLine;
using System.Reflection;
using BitTorrent.Cli.Commands;

namespace BitTorrent.Cli;

/// <summary>The <c>bt</c> command-line tool.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the command; returns an exit code from <see cref="ExitCodes"/>.</summary>
    public static Task<int> Main(string[] args) => RunAsync(args, Console.Out, Console.Error);

    /// <summary>Runs <c>bt</c> with its output and errors going to the given writers (the tests' entry point).</summary>
    internal static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var parse = BuildRoot().Parse(args);
        if (parse.Errors.Count == 0)
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
        foreach (var e in parse.Errors) await error.WriteLineAsync($"bt: {e.Message}");
        await error.WriteLineAsync($"Try '{string.Join(' ', CommandPath(parse))} --help'.");
        return ExitCodes.Usage;
    }

    private static IEnumerable<string> CommandPath(ParseResult parse)
    {
        var names = new Stack<string>();
        for (var r = parse.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Push(r.Command is RootCommand ? "bt" : r.Command.Name);
        return names;
    }

    /// <summary>The whole command tree (also used by the tests to parse without running).</summary>
    internal static RootCommand BuildRoot()
    {
        var root = new RootCommand("bt: download, seed, create and inspect torrents, and use the Mainline DHT.")
        {
            CommonOptions.Json,
            CommonOptions.Verbose,
            CommonOptions.LogCategories,
        };
        root.Subcommands.Add(GetCommand.Create());
        root.Subcommands.Add(SeedCommand.Create());
        root.Subcommands.Add(CreateCommand.Create());
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(DhtCommands.Create());
        root.Subcommands.Add(Demo.DemoCommand.Create());
        foreach (var option in root.Options)
            if (option is System.CommandLine.VersionOption version) version.Action = new VersionAction();
        return root;
    }

    /// <summary>The version with the commit it was built from (SourceLink puts it in the informational version).</summary>
    internal static string Version =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private sealed class VersionAction : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine($"bt {Version}");
            return ExitCodes.Success;
        }
    }
}
