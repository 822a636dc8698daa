using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BitTorrent.Interop.Tests.Dht;

/// <summary>
/// A script from <c>tests/interop-peers</c> (Node or the system Python) that speaks JSON lines on stdin/stdout.
/// Disposing kills it with its whole process tree.
/// </summary>
internal sealed class DhtPeerProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(25);
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private DhtPeerProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
    }

    /// <summary>The folder holding the interop scripts and their node_modules.</summary>
    public static string InteropPeersDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "BitTorrent.slnx")))
                {
                    return Path.Combine(dir.FullName, "tests", "interop-peers");
                }
            }
            throw new InvalidOperationException("BitTorrent.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Starts <c>node script args</c>; fails clearly when Node or the npm modules are missing.</summary>
    public static DhtPeerProcess StartNode(string script, params string[] args)
    {
        string dir = InteropPeersDirectory;
        if (!Directory.Exists(Path.Combine(dir, "node_modules", "bittorrent-dht")))
        {
            throw new InvalidOperationException($"bittorrent-dht is not installed: run `npm ci` in {dir} (scripts/install-test-deps.sh does).");
        }
        return Start("node", dir, [script, .. args]);
    }

    /// <summary>Starts <c>/usr/bin/python3 script args</c> (the interpreter that has Debian's python3-libtorrent).</summary>
    public static DhtPeerProcess StartPython(string script, params string[] args)
    {
        if (!File.Exists("/usr/bin/python3"))
        {
            throw new InvalidOperationException("/usr/bin/python3 is missing: install python3-libtorrent (scripts/install-test-deps.sh does).");
        }
        return Start("/usr/bin/python3", InteropPeersDirectory, ["-u", script, .. args]);
    }

    private static DhtPeerProcess Start(string fileName, string directory, string[] args)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start " + fileName);
        return new DhtPeerProcess(process);
    }

    /// <summary>Reads the next JSON line the script prints.</summary>
    public async Task<JsonObject> ReadAsync()
    {
        string? line;
        try
        {
            line = await _process.StandardOutput.ReadLineAsync().WaitAsync(ReplyTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No reply within {ReplyTimeout.TotalSeconds} s. stderr:\n{Stderr}");
        }
        if (line is null)
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            throw new InvalidOperationException($"The script exited ({_process.ExitCode}). stderr:\n{Stderr}");
        }
        var reply = JsonNode.Parse(line)?.AsObject() ?? throw new InvalidOperationException("Not a JSON object: " + line);
        if (reply["failure"] is JsonNode failure)
        {
            throw new InvalidOperationException($"The script failed: {failure}\nstderr:\n{Stderr}");
        }
        return reply;
    }

    /// <summary>Sends one command and returns its reply.</summary>
    public async Task<JsonObject> CallAsync(object command)
    {
        await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(command));
        await _process.StandardInput.FlushAsync();
        return await ReadAsync();
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
        }
    }
}
