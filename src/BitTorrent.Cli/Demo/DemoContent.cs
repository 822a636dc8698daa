namespace BitTorrent.Cli.Demo;

/// <summary>
/// Generates the demo's multi-file content on disk: a file smaller than a piece, an empty file, and the bulk split
/// between a large file and one in a subdirectory. Deterministic by seed.
/// </summary>
internal static class DemoContent
{
    /// <summary>Writes the content under <paramref name="directory"/>/<c>demo-SEED</c> and returns that folder.</summary>
    public static string Write(string directory, long size, int seed)
    {
        string root = Path.Combine(directory, $"demo-{seed}");
        Directory.CreateDirectory(Path.Combine(root, "extras"));
        var random = new Random(seed);
        File.WriteAllText(Path.Combine(root, "README.txt"), $"bt demo content, seed {seed}, {size} bytes in all.\n");
        File.WriteAllBytes(Path.Combine(root, "empty.dat"), []);
        long small = size / 5;
        WriteRandom(Path.Combine(root, "extras", "notes.bin"), small, random);
        WriteRandom(Path.Combine(root, "video.bin"), Math.Max(1, size - small), random);
        return root;
    }

    private static void WriteRandom(string path, long length, Random random)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        var buffer = new byte[1 << 16];
        for (long left = length; left > 0; left -= buffer.Length)
        {
            random.NextBytes(buffer);
            file.Write(buffer, 0, (int)Math.Min(buffer.Length, left));
        }
    }
}
