using System.Text.Json;
using Json.Schema;

namespace BitTorrent.Cli.Tests;

/// <summary>Checks <c>bt --json</c> lines against the published schema (src/BitTorrent.Cli/ndjson.schema.json).</summary>
internal static class SchemaAssert
{
    private static readonly JsonSchema Schema = JsonSchema.FromFile(Path.Combine(AppContext.BaseDirectory, "ndjson.schema.json"));

    public static void Valid(JsonElement line)
    {
        var result = Schema.Evaluate(line, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, $"not valid against ndjson.schema.json: {line.GetRawText()}\n" +
            string.Join("\n", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }
}
