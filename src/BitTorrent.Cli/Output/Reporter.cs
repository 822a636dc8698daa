using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace BitTorrent.Cli.Output;

/// <summary>How a command's events reach the user.</summary>
internal enum OutputMode
{
    /// <summary>A terminal: a live display redrawn in place (Spectre.Console).</summary>
    Live,

    /// <summary>Output redirected to a file or pipe: one plain line per event worth reading, no escape codes.</summary>
    Plain,

    /// <summary><c>--json</c>: newline-delimited JSON, one event per line.</summary>
    Json,
}

/// <summary>
/// Takes a command's events and writes them in the chosen <see cref="OutputMode"/>. Thread-safe: events may come from
/// engine callbacks on any thread; lines are never interleaved.
/// </summary>
internal class Reporter(OutputMode mode, TextWriter output, TextWriter error)
{
    private static readonly JsonTypeInfo<CliEvent> Json = (JsonTypeInfo<CliEvent>)new JsonSerializerOptions(CliJson.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }.GetTypeInfo(typeof(CliEvent));

    private readonly Lock _gate = new();
    private long _lastPlainProgress = long.MinValue;

    /// <summary>The mode events are written in.</summary>
    public OutputMode Mode { get; } = mode;

    /// <summary>Chooses the mode: JSON when asked, a live display when writing to a terminal, plain lines otherwise.</summary>
    public static OutputMode ChooseMode(bool json, TextWriter output) =>
        json ? OutputMode.Json
        : ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected ? OutputMode.Live
        : OutputMode.Plain;

    /// <summary>The JSON text of one event, as written with <c>--json</c>.</summary>
    public static string Serialize(CliEvent e) => JsonSerializer.Serialize(e, Json);

    /// <summary>Writes one event.</summary>
    public virtual void Report(CliEvent e)
    {
        lock (_gate)
        {
            switch (Mode)
            {
                case OutputMode.Json:
                    output.WriteLine(Serialize(e));
                    output.Flush();
                    break;
                default:
                    if (e is ErrorEvent err) { error.WriteLine($"bt: {err.Message}"); break; }
                    if (!WorthAPlainLine(e)) break;
                    output.WriteLine(e.Describe());
                    output.Flush();
                    break;
            }
        }
    }

    /// <summary>Reports a failure: one sentence on standard error (and an error event with <c>--json</c>); returns <paramref name="code"/>.</summary>
    public int Fail(string message, int code)
    {
        lock (_gate)
        {
            if (Mode == OutputMode.Json)
            {
                output.WriteLine(Serialize(new ErrorEvent(message, code)));
                output.Flush();
            }
            error.WriteLine($"bt: {message}");
            error.Flush();
        }
        return code;
    }

    /// <summary>Per-piece events are for JSON consumers; plain output shows progress at most every 5 seconds.</summary>
    private bool WorthAPlainLine(CliEvent e)
    {
        if (e is PieceVerifiedEvent) return false;
        if (e is not ProgressEvent) return true;
        long now = TimeProvider.System.GetTimestamp();
        if (_lastPlainProgress != long.MinValue && TimeProvider.System.GetElapsedTime(_lastPlainProgress, now) < TimeSpan.FromSeconds(5))
            return false;
        _lastPlainProgress = now;
        return true;
    }
}

/// <summary>
/// The events' JSON contract, generated at build time: snake_case names, NaN and infinities as names, and the value
/// types a <see cref="DhtResultEvent"/> carries. No reflection at run time, so the Native AOT build writes the same lines.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DictionaryKeyPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(CliEvent))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(double))]
internal sealed partial class CliJson : JsonSerializerContext;
