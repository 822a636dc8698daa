using System.Diagnostics;
using System.Threading.Channels;

namespace BitTorrent.Testing;

/// <summary>
/// A program started for one test (a Node or Python interop peer, aria2c, transmission-cli, a tracker): its output
/// arrives as lines that can be awaited one by one or searched; commands go to its stdin. Disposing kills its whole
/// process tree by id and waits for it, so nothing outlives the test, also when the test or a wait failed. Owners that
/// do more setup after <see cref="Start"/> dispose it when that setup throws.
/// </summary>
public sealed class PeerProcess : IAsyncDisposable
{
    private const int KeptLines = 200;
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(10);
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly Queue<string> _recent = new();

    private PeerProcess(Process process, bool mergeStandardError)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) _lines.Writer.TryComplete();
            else Line(e.Data, toReader: true);
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Line(e.Data, toReader: mergeStandardError); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The program's file name, for messages.</summary>
    public string Program => _process.StartInfo.FileName;

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts <paramref name="program"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>, stdin,
    /// stdout and stderr redirected. Lines of stdout are read by <c>ReadLineAsync</c> and
    /// <see cref="WaitForLineAsync"/>; stderr's too when <paramref name="mergeStandardError"/>, otherwise they are only
    /// kept for <see cref="Output"/>. A missing absolute <paramref name="program"/> fails with <paramref name="missingHint"/>.
    /// </summary>
    public static PeerProcess Start(string program, string workingDirectory, IEnumerable<string> arguments,
        bool mergeStandardError = false, string? missingHint = null)
    {
        if (Path.IsPathRooted(program) && !File.Exists(program))
            throw new InvalidOperationException($"{program} is missing{(missingHint is null ? "" : ": " + missingHint)}");
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        return new PeerProcess(process, mergeStandardError);
    }

    /// <summary>The next line, or null once the output ended; <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await ReadLineAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no line from {Program} within {timeout.TotalSeconds} s; output: {Output()}");
        }
    }

    /// <summary>The next line, or null once the output ended.</summary>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _lines.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Reads lines until one matches; <see cref="TimeoutException"/> when none did within <paramref name="timeout"/>
    /// or the output ended.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string description)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(cts.Token);
                if (match(line)) return line;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            string why = e is ChannelClosedException ? "before its output ended" : $"within {timeout.TotalSeconds} s";
            throw new TimeoutException($"no line {description} from {Program} {why}; output: {Output()}");
        }
    }

    /// <summary>Lines already read by the process's output handlers and not yet taken by a reader, without waiting.</summary>
    public IEnumerable<string> TakeAvailableLines()
    {
        while (_lines.Reader.TryRead(out var line)) yield return line;
    }

    /// <summary>Writes one line to the program's stdin.</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Completes when the process exits.</summary>
    public Task WaitForExitAsync() => _process.WaitForExitAsync();

    /// <summary>The last lines of stdout and stderr, oldest first, for failure messages.</summary>
    public string Output()
    {
        lock (_recent) return string.Join(" | ", _recent);
    }

    private void Line(string line, bool toReader)
    {
        lock (_recent)
        {
            _recent.Enqueue(line);
            if (_recent.Count > KeptLines) _recent.Dequeue();
        }
        if (toReader) _lines.Writer.TryWrite(line);
    }

    /// <summary>Kills the process tree by id (if still running) and waits for it to exit.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(ExitWait);
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
