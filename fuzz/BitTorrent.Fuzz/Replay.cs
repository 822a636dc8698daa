namespace BitTorrent.Fuzz;

/// <summary>Runs saved inputs through a target in-process.</summary>
public static class Replay
{
    /// <summary>Every file under <paramref name="paths"/> (files or directories), sorted by name.</summary>
    public static IEnumerable<string> Files(IEnumerable<string> paths) =>
        paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : File.Exists(p) ? [p] : [])
            .Where(f => !Path.GetFileName(f).StartsWith('.') && Path.GetFileName(f) != "README.txt")
            .Order(StringComparer.Ordinal);

    /// <summary>Replays every file; writes each finding to <paramref name="log"/> and returns 1 if there was one.</summary>
    public static int Run(Action<byte[]> target, IEnumerable<string> paths, TextWriter log)
    {
        int count = 0, failed = 0;
        foreach (var file in Files(paths))
        {
            count++;
            try
            {
                target(File.ReadAllBytes(file));
            }
            catch (Exception e)
            {
                failed++;
                log.WriteLine($"{file}: {e.GetType().Name}: {e.Message}");
            }
        }
        log.WriteLine($"{count} inputs, {failed} findings");
        return failed == 0 ? 0 : 1;
    }
}
