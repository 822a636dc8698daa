using System.Diagnostics;
using System.Threading.Channels;

namespace BitTorrent.Interop.Tests.Encryption;

/// <summary>
/// A command-line BitTorrent client (aria2c, transmission-cli) started for one test: its output lines (stdout and
/// stderr; carriage returns end lines too) can be awaited; disposing kills its process tree by id.
/// </summary>
internal sealed class CliPeerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _seen = [];

    private CliPeerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Writer.TryWrite(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _lines.Writer.TryWrite(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts <paramref name="program"/> with <paramref name="arguments"/> in <paramref name="folder"/>.</summary>
    public static CliPeerProcess Start(string program, string folder, params string[] arguments)
    {
        if (!File.Exists(program))
            throw new InvalidOperationException($"{program} is missing: scripts/install-test-deps.sh installs it");
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        return new CliPeerProcess(Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}"));
    }

    /// <summary>The process exit task.</summary>
    public Task ExitAsync() => _process.WaitForExitAsync();

    /// <summary>The exit code, once exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Waits for an output line containing <paramref name="text"/>.</summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(cts.Token);
                lock (_seen) _seen.Add(line);
                if (line.Contains(text, StringComparison.Ordinal)) return line;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no line with '{text}' from {_process.StartInfo.FileName}; saw: {Output()}");
        }
    }

    /// <summary>The lines seen so far, for failure messages.</summary>
    public string Output()
    {
        while (_lines.Reader.TryRead(out var line)) lock (_seen) _seen.Add(line);
        lock (_seen) return string.Join(" | ", _seen.TakeLast(40));
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
