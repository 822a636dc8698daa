using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace BitTorrent.Interop.Tests.Extensions;

/// <summary>
/// An interop peer process (Node or libtorrent's Python) that reports JSON lines on stdout and reads JSON commands on
/// stdin. Disposing kills the whole process tree, even when the test failed.
/// </summary>
internal sealed class ExtPeerProcess : IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(20);
    private readonly Process _process;
    private readonly Channel<JsonObject> _events = Channel.CreateUnbounded<JsonObject>();
    private readonly List<JsonObject> _seen = [];
    private readonly List<string> _stderr = [];

    private ExtPeerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { _events.Writer.TryComplete(); return; }
            if (e.Data.StartsWith('{') && JsonNode.Parse(e.Data) is JsonObject json) _events.Writer.TryWrite(json);
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts <c>node tests/interop-peers/&lt;script&gt;</c> (default <c>ext-peer.mjs</c>) with <paramref name="options"/>.</summary>
    public static ExtPeerProcess StartNode(object options, string script = "ext-peer.mjs")
    {
        var folder = ExtRepository.InteropPeers;
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "ut_pex")))
            throw new InvalidOperationException($"npm modules are missing: run 'npm ci' in {folder} (scripts/install-test-deps.sh does)");
        return Start("node", folder, Path.Combine(folder, script), JsonSerializer.Serialize(options));
    }

    /// <summary>Starts <c>/usr/bin/python3 tests/interop-peers/&lt;script&gt;</c> (default <c>ext-libtorrent.py</c>) with <paramref name="options"/>.</summary>
    public static ExtPeerProcess StartLibtorrent(object options, string script = "ext-libtorrent.py")
    {
        var folder = ExtRepository.InteropPeers;
        if (!File.Exists("/usr/bin/python3"))
            throw new InvalidOperationException("/usr/bin/python3 is missing: install python3-libtorrent (scripts/install-test-deps.sh does)");
        return Start("/usr/bin/python3", folder, Path.Combine(folder, script), JsonSerializer.Serialize(options));
    }

    private static ExtPeerProcess Start(string program, string folder, string script, string options)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(options);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        return new ExtPeerProcess(process);
    }

    /// <summary>Sends one command line.</summary>
    public async Task SendAsync(object command)
    {
        await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(command));
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits for the next event named <paramref name="name"/> (matching <paramref name="match"/>), remembering every event seen.</summary>
    public async Task<JsonObject> WaitForAsync(string name, Func<JsonObject, bool>? match = null, TimeSpan? timeout = null)
    {
        lock (_seen)
        {
            var earlier = _seen.FirstOrDefault(e => (string?)e["event"] == name && (match?.Invoke(e) ?? true));
            if (earlier is not null)
            {
                _seen.Remove(earlier);
                return earlier;
            }
        }
        using var cts = new CancellationTokenSource(timeout ?? DefaultWait);
        try
        {
            while (true)
            {
                var next = await _events.Reader.ReadAsync(cts.Token);
                if ((string?)next["event"] == name && (match?.Invoke(next) ?? true)) return next;
                lock (_seen) _seen.Add(next);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            throw new TimeoutException($"no '{name}' event from {_process.StartInfo.FileName}; saw: {Describe()}");
        }
    }

    /// <summary>The events seen so far and not yet consumed, for assertions and failure messages.</summary>
    public IReadOnlyList<JsonObject> Seen()
    {
        lock (_seen) return [.. _seen];
    }

    /// <summary>Moves every already-reported event into <see cref="Seen"/>.</summary>
    public void Drain()
    {
        while (_events.Reader.TryRead(out var next)) lock (_seen) _seen.Add(next);
    }

    private string Describe()
    {
        Drain();
        string events, errors;
        lock (_seen) events = string.Join(" | ", _seen.Select(e => e.ToJsonString()));
        lock (_stderr) errors = string.Join(" | ", _stderr);
        return $"{events}; stderr: {errors}";
    }

    /// <summary>Kills the process tree.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }
}
