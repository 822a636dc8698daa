using System.Text.Json;
using System.Text.Json.Nodes;
using BitTorrent.Testing;

namespace BitTorrent.Interop.Tests.Extensions;

/// <summary>
/// An interop peer (Node or libtorrent's Python) that reports JSON lines on stdout and reads JSON commands on stdin,
/// over the shared <see cref="PeerProcess"/> (disposing kills the whole process tree, even when the test failed).
/// </summary>
internal sealed class ExtPeerProcess : IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(20);
    private readonly PeerProcess _process;
    private readonly List<JsonObject> _seen = [];

    private ExtPeerProcess(PeerProcess process) => _process = process;

    /// <summary>Starts <c>node tests/interop-peers/&lt;script&gt;</c> (default <c>ext-peer.mjs</c>) with <paramref name="options"/>.</summary>
    public static ExtPeerProcess StartNode(object options, string script = "ext-peer.mjs")
    {
        var folder = ExtRepository.InteropPeers;
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "ut_pex")))
            throw new InvalidOperationException($"npm modules are missing: run 'npm ci' in {folder} (scripts/install-test-deps.sh does)");
        return new(PeerProcess.Start("node", folder, [Path.Combine(folder, script), JsonSerializer.Serialize(options)]));
    }

    /// <summary>Starts <c>/usr/bin/python3 tests/interop-peers/&lt;script&gt;</c> (default <c>ext-libtorrent.py</c>) with <paramref name="options"/>.</summary>
    public static ExtPeerProcess StartLibtorrent(object options, string script = "ext-libtorrent.py")
    {
        var folder = ExtRepository.InteropPeers;
        return new(PeerProcess.Start("/usr/bin/python3", folder, [Path.Combine(folder, script), JsonSerializer.Serialize(options)],
            missingHint: "install python3-libtorrent (scripts/install-test-deps.sh does)"));
    }

    /// <summary>Sends one command line.</summary>
    public Task SendAsync(object command) => _process.WriteLineAsync(JsonSerializer.Serialize(command));

    /// <summary>Waits for the next event named <paramref name="name"/> (matching <paramref name="match"/>), remembering every event seen.</summary>
    public async Task<JsonObject> WaitForAsync(string name, Func<JsonObject, bool>? match = null, TimeSpan? timeout = null)
    {
        bool Wanted(JsonObject e) => (string?)e["event"] == name && (match?.Invoke(e) ?? true);
        lock (_seen)
        {
            var earlier = _seen.FirstOrDefault(Wanted);
            if (earlier is not null)
            {
                _seen.Remove(earlier);
                return earlier;
            }
        }
        using var cts = new CancellationTokenSource(timeout ?? DefaultWait);
        try
        {
            while (await _process.ReadLineAsync(cts.Token) is string line)
            {
                if (Parse(line) is not JsonObject next) continue;
                if (Wanted(next)) return next;
                lock (_seen) _seen.Add(next);
            }
        }
        catch (OperationCanceledException)
        {
        }
        throw new TimeoutException($"no '{name}' event from {_process.Program}; saw: {Describe()}");
    }

    /// <summary>The events seen so far and not yet consumed, for assertions and failure messages.</summary>
    public IReadOnlyList<JsonObject> Seen()
    {
        lock (_seen) return [.. _seen];
    }

    /// <summary>Moves every already-reported event into <see cref="Seen"/>.</summary>
    public void Drain()
    {
        foreach (var line in _process.TakeAvailableLines())
            if (Parse(line) is JsonObject next) lock (_seen) _seen.Add(next);
    }

    private static JsonObject? Parse(string line) => line.StartsWith('{') ? JsonNode.Parse(line) as JsonObject : null;

    private string Describe()
    {
        Drain();
        lock (_seen) return $"{string.Join(" | ", _seen.Select(e => e.ToJsonString()))}; output: {_process.Output()}";
    }

    /// <summary>Kills the process tree.</summary>
    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
