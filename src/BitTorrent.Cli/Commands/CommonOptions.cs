using System.CommandLine;
using System.Net;
using BitTorrent.Cli.Output;
using BitTorrent.Cli.Parsing;
using Microsoft.Extensions.Logging;

namespace BitTorrent.Cli.Commands;

/// <summary>Options every command shares, and the helpers that build typed options with unit-aware parsers.</summary>
internal static class CommonOptions
{
    /// <summary><c>--json</c>: newline-delimited JSON events on standard output.</summary>
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Write newline-delimited JSON events (one object per line, see the schema in README) instead of text.",
        Recursive = true,
    };

    /// <summary><c>-v</c>/<c>--verbose</c>: protocol logs on standard error, and stack traces with errors.</summary>
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Log protocol details to standard error (Microsoft.Extensions.Logging console provider).",
        Recursive = true,
    };

    /// <summary><c>--log</c>: limit the verbose logs to some categories.</summary>
    public static readonly Option<string[]> LogCategories = new("--log")
    {
        Description = "With -v, log only these categories (prefixes, repeatable), e.g. --log BitTorrent.Wire --log BitTorrent.Dht.",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
        Recursive = true,
    };

    /// <summary>An option whose value is a size with units (<c>16MiB</c>).</summary>
    public static Option<long> Size(string name, string description, long defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r =>
        {
            string text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
            if (ByteSize.TryParse(text, out long bytes)) return bytes;
            r.AddError($"{name} needs a size such as 16MiB or 1GB, not '{text}'");
            return 0;
        },
    };

    /// <summary>An option whose value is a rate with units (<c>2MB/s</c>); 0 means unlimited.</summary>
    public static Option<long> Rate(string name, string description) => new(name)
    {
        Description = description + " (e.g. 2MB/s, 500KiB/s; 0 = unlimited)",
        DefaultValueFactory = _ => 0,
        CustomParser = r =>
        {
            string text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
            if (ByteSize.TryParseRate(text, out long rate)) return rate;
            r.AddError($"{name} needs a rate such as 2MB/s, not '{text}'");
            return 0;
        },
    };

    /// <summary>A repeatable <c>HOST:PORT</c> option.</summary>
    public static Option<IPEndPoint[]> EndPoints(string name, string description) => new(name)
    {
        Description = description,
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
        DefaultValueFactory = _ => [],
        CustomParser = r =>
        {
            var list = new List<IPEndPoint>();
            foreach (var token in r.Tokens)
            {
                if (PeerEndPoint.TryParse(token.Value, out var ep)) list.Add(ep!);
                else r.AddError($"{name} needs HOST:PORT (e.g. 127.0.0.1:6881 or [::1]:6881), not '{token.Value}'");
            }
            return [.. list];
        },
    };

    /// <summary>A TCP/UDP port option (0 = any free port).</summary>
    public static Option<int> Port(string name, string description, int defaultValue) => new Option<int>(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
    }.Check(port => port is < 0 or > 65535 ? $"{name} must be from 0 to 65535" : null);

    /// <summary>
    /// Adds a range check that runs only when the value itself parsed (a value that did not parse already has its
    /// error); <paramref name="check"/> returns the error message, or null when the value is fine.
    /// </summary>
    public static Option<T> Check<T>(this Option<T> option, Func<T, string?> check)
    {
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 0 && r.Implicit) return;
            T value;
            try { value = r.GetValueOrDefault<T>(); }
            catch (InvalidOperationException) { return; }
            if (check(value) is string message) r.AddError(message);
        });
        return option;
    }

    /// <summary>The reporter for this invocation (JSON, live or plain).</summary>
    public static Reporter CreateReporter(ParseResult parse)
    {
        var output = parse.InvocationConfiguration.Output;
        return new(Reporter.ChooseMode(parse.GetValue(Json), output), output, parse.InvocationConfiguration.Error);
    }

    /// <summary>Console logging on standard error when <c>--verbose</c> was given, nothing otherwise.</summary>
    public static ILoggerFactory CreateLoggerFactory(ParseResult parse)
    {
        if (!parse.GetValue(Verbose)) return Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        string[] categories = parse.GetValue(LogCategories) ?? [];
        return LoggerFactory.Create(builder =>
        {
            builder.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
            builder.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            if (categories.Length == 0) builder.SetMinimumLevel(LogLevel.Debug);
            else
            {
                builder.SetMinimumLevel(LogLevel.Warning);
                foreach (string category in categories) builder.AddFilter(category, LogLevel.Trace);
            }
        });
    }

    /// <summary>Whether <c>--verbose</c> was given (stack traces are shown only then).</summary>
    public static bool IsVerbose(ParseResult parse) => parse.GetValue(Verbose);
}
