using System.Text.Json;
using System.Text.Json.Serialization;

namespace BitTorrent.Dht;

/// <summary>
/// A node's persistent state: its id, its routing table (with node ids, unlike bittorrent-dht's toJSON), stored
/// peers and stored BEP 44 items. Pass it as <see cref="DhtNodeOptions.State"/> to restart without the routers.
/// </summary>
public sealed class DhtState
{
    /// <summary>The largest state file <see cref="LoadAsync"/> reads (16 MiB: far above a full table and full stores).</summary>
    public const long MaxFileSize = 16 * 1024 * 1024;

    /// <summary>Our node id (hex).</summary>
    public string? NodeId { get; set; }

    /// <summary>Routing-table contacts (entries may be null in a damaged document; they are skipped on restore).</summary>
    public List<DhtStateNode> Nodes { get; set; } = [];

    /// <summary>Stored peers (entries may be null in a damaged document; they are skipped on restore).</summary>
    public List<DhtStatePeer> Peers { get; set; } = [];

    /// <summary>Stored BEP 44 items (entries may be null in a damaged document; they are skipped on restore).</summary>
    public List<DhtStateItem> Items { get; set; } = [];

    /// <summary>Serializes to JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, DhtStateJson.Default.DhtState);

    /// <summary>
    /// Deserializes from JSON. Missing or null lists read as empty; damaged entries inside them are kept here and skipped
    /// (with a <see cref="DhtWarningKind.StateEntryIgnored"/> warning) when a node restores the state.
    /// </summary>
    /// <exception cref="JsonException">The text is not a state document (not JSON, the wrong shape, nested too deep).</exception>
    public static DhtState FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        DhtState? state;
        try
        {
            state = JsonSerializer.Deserialize(json, DhtStateJson.Default.DhtState);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new JsonException($"Not a DHT state document: {ex.Message}", ex);
        }
        if (state is null)
        {
            throw new JsonException("Empty DHT state.");
        }
        state.Nodes ??= [];
        state.Peers ??= [];
        state.Items ??= [];
        return state;
    }

    /// <summary>Writes the JSON to a file (through a temporary file, so a crash never leaves half a file).</summary>
    public async Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        string temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, ToJson(), cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads a state file written by <see cref="SaveAsync"/>.</summary>
    /// <exception cref="JsonException">The file is not a state document, or is larger than <see cref="MaxFileSize"/>.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static async Task<DhtState> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true);
        if (file.Length > MaxFileSize)
        {
            throw new JsonException($"The DHT state file is {file.Length} bytes; at most {MaxFileSize} are read.");
        }
        using var reader = new StreamReader(file);
        return FromJson(await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false));
    }
}

/// <summary>A saved routing-table contact.</summary>
public sealed class DhtStateNode
{
    /// <summary>Node id (hex).</summary>
    public required string Id { get; set; }
    /// <summary>IP address.</summary>
    public required string Host { get; set; }
    /// <summary>UDP port.</summary>
    public int Port { get; set; }
}

/// <summary>A saved announced peer.</summary>
public sealed class DhtStatePeer
{
    /// <summary>Info hash (hex).</summary>
    public required string InfoHash { get; set; }
    /// <summary>Peer IP address.</summary>
    public required string Host { get; set; }
    /// <summary>Peer port.</summary>
    public int Port { get; set; }
}

/// <summary>A saved BEP 44 item (byte fields in hex).</summary>
public sealed class DhtStateItem
{
    /// <summary>The bencoded value.</summary>
    [JsonPropertyName("v")]
    public required string Value { get; set; }
    /// <summary>Public key (mutable items).</summary>
    [JsonPropertyName("k")]
    public string? PublicKey { get; set; }
    /// <summary>Signature (mutable items).</summary>
    [JsonPropertyName("sig")]
    public string? Signature { get; set; }
    /// <summary>Salt (mutable items).</summary>
    [JsonPropertyName("salt")]
    public string? Salt { get; set; }
    /// <summary>Sequence number (mutable items).</summary>
    [JsonPropertyName("seq")]
    public long Sequence { get; set; }
}

/// <summary>The state document's JSON contract, generated at build time (no reflection, so trimmed and AOT builds keep it).</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(DhtState))]
internal sealed partial class DhtStateJson : JsonSerializerContext;
