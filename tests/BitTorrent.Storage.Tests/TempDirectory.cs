using System.Diagnostics;

namespace BitTorrent.Storage.Tests;

/// <summary>A temporary directory, optionally a small tmpfs mount (root only), removed on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    private readonly bool _mounted;

    private TempDirectory(string path, bool mounted)
    {
        Path = path;
        _mounted = mounted;
    }

    public string Path { get; }

    public static TempDirectory Create() => new(Directory.CreateTempSubdirectory("bt-storage-").FullName, mounted: false);

    /// <summary>
    /// Mounts a tmpfs of <paramref name="size"/> (for example "1m") on a new temporary directory. Needs root (or
    /// CAP_SYS_ADMIN): the fault tests fail with this message rather than skip when mounting is impossible.
    /// </summary>
    public static TempDirectory MountTmpfs(string size)
    {
        var path = Directory.CreateTempSubdirectory("bt-tmpfs-").FullName;
        try
        {
            Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", path);
        }
        catch
        {
            Directory.Delete(path);
            throw;
        }
        return new TempDirectory(path, mounted: true);
    }

    /// <summary>Remounts the tmpfs read-only: root ignores permission bits, but not a read-only file system.</summary>
    public void RemountReadOnly() => Run("mount", "-o", "remount,ro", Path);

    public void Dispose()
    {
        if (_mounted) Run("umount", Path);
        Directory.Delete(Path, recursive: true);
    }

    private static void Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"'{program} {string.Join(' ', arguments)}' failed ({process.ExitCode}): {error.Trim()} — the storage fault tests need root to mount a tmpfs");
    }
}
