namespace BitTorrent.Metainfo;

/// <summary>A file to put in a new torrent: where it is on disk, its components below the torrent root, its length.</summary>
internal sealed record SourceFile(string FullPath, IReadOnlyList<string> Components, long Length);

/// <summary>Lists the files of a torrent to create: one file, or a directory's files in ordinal order of their components.</summary>
internal static class SourceFiles
{
    public static List<SourceFile> Collect(string fullPath, MetainfoLimits limits)
    {
        if (File.Exists(fullPath)) return [new SourceFile(fullPath, [], new FileInfo(fullPath).Length)];
        if (!Directory.Exists(fullPath)) throw new FileNotFoundException($"'{fullPath}' does not exist", fullPath);
        var enumeration = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = FileAttributes.ReparsePoint,
            IgnoreInaccessible = false,
        };
        var files = new List<SourceFile>();
        foreach (var file in new DirectoryInfo(fullPath).EnumerateFiles("*", enumeration))
        {
            if (files.Count == limits.MaxFiles)
                throw new MetainfoException(MetainfoError.TooManyFiles, $"more than {limits.MaxFiles} files under '{fullPath}'");
            var components = Path.GetRelativePath(fullPath, file.FullName).Split(Path.DirectorySeparatorChar);
            foreach (var component in components) PathValidator.ValidateComponent(component, limits);
            files.Add(new SourceFile(file.FullName, components, file.Length));
        }
        files.Sort(static (a, b) => CompareComponents(a.Components, b.Components));
        return files;
    }

    private static int CompareComponents(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        for (int i = 0; i < Math.Min(a.Count, b.Count); i++)
        {
            int c = string.CompareOrdinal(a[i], b[i]);
            if (c != 0) return c;
        }
        return a.Count.CompareTo(b.Count);
    }
}
