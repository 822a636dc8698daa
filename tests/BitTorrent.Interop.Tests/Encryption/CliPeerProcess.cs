using BitTorrent.Testing;

namespace BitTorrent.Interop.Tests.Encryption;

/// <summary>
/// A command-line BitTorrent client (aria2c, transmission-cli) started for one test over the shared
/// <see cref="PeerProcess"/>: its output lines (stdout and stderr) can be awaited; disposing kills its process tree by id.
/// </summary>
internal sealed class CliPeerProcess : IAsyncDisposable
{
    private readonly PeerProcess _process;

    private CliPeerProcess(PeerProcess process) => _process = process;

    /// <summary>Starts <paramref name="program"/> with <paramref name="arguments"/> in <paramref name="folder"/>.</summary>
    public static CliPeerProcess Start(string program, string folder, params string[] arguments) =>
        new(PeerProcess.Start(program, folder, arguments, mergeStandardError: true, missingHint: "scripts/install-test-deps.sh installs it"));

    /// <summary>The process exit task.</summary>
    public Task ExitAsync() => _process.WaitForExitAsync();

    /// <summary>The exit code, once exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Waits for an output line containing <paramref name="text"/>.</summary>
    public Task<string> WaitForLineAsync(string text, TimeSpan timeout) =>
        _process.WaitForLineAsync(line => line.Contains(text, StringComparison.Ordinal), timeout, $"with '{text}'");

    /// <summary>The last lines seen, for failure messages.</summary>
    public string Output() => _process.Output();

    /// <summary>Kills the process tree.</summary>
    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
