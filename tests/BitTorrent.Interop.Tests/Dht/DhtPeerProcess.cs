using System.Text.Json;
using System.Text.Json.Nodes;
using BitTorrent.Interop.Tests.Extensions;
using BitTorrent.Testing;

namespace BitTorrent.Interop.Tests.Dht;

/// <summary>
/// A script from <c>tests/interop-peers</c> (Node or the system Python) that answers JSON commands on stdin with one
/// JSON line each, over the shared <see cref="PeerProcess"/> (disposing kills its whole process tree).
/// </summary>
internal sealed class DhtPeerProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(25);
    private readonly PeerProcess _process;

    private DhtPeerProcess(PeerProcess process) => _process = process;

    /// <summary>Starts <c>node script args</c>; fails clearly when the npm modules are missing.</summary>
    public static DhtPeerProcess StartNode(string script, params string[] args)
    {
        string dir = ExtRepository.InteropPeers;
        if (!Directory.Exists(Path.Combine(dir, "node_modules", "bittorrent-dht")))
            throw new InvalidOperationException($"bittorrent-dht is not installed: run `npm ci` in {dir} (scripts/install-test-deps.sh does).");
        return new(PeerProcess.Start("node", dir, [script, .. args]));
    }

    /// <summary>Starts <c>/usr/bin/python3 script args</c> (the interpreter that has Debian's python3-libtorrent).</summary>
    public static DhtPeerProcess StartPython(string script, params string[] args) =>
        new(PeerProcess.Start("/usr/bin/python3", ExtRepository.InteropPeers, ["-u", script, .. args],
            missingHint: "install python3-libtorrent (scripts/install-test-deps.sh does)"));

    /// <summary>Reads the next JSON line the script prints.</summary>
    public async Task<JsonObject> ReadAsync()
    {
        var line = await _process.ReadLineAsync(ReplyTimeout);
        if (line is null)
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            throw new InvalidOperationException($"The script exited ({_process.ExitCode}). Output: {Output}");
        }
        var reply = JsonNode.Parse(line)?.AsObject() ?? throw new InvalidOperationException("Not a JSON object: " + line);
        if (reply["failure"] is JsonNode failure)
            throw new InvalidOperationException($"The script failed: {failure}\nOutput: {Output}");
        return reply;
    }

    /// <summary>Sends one command and returns its reply.</summary>
    public async Task<JsonObject> CallAsync(object command)
    {
        await _process.WriteLineAsync(JsonSerializer.Serialize(command));
        return await ReadAsync();
    }

    /// <summary>The script's last output lines (stderr included), for failure messages.</summary>
    public string Output => _process.Output();

    /// <summary>Kills the process tree.</summary>
    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
