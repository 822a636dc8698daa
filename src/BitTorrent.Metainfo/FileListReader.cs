using BitTorrent.Bencode;

namespace BitTorrent.Metainfo;

/// <summary>Reads and validates the <c>files</c> list of a multi-file info dictionary.</summary>
internal static class FileListReader
{
    private const string LegacyPadPrefix = "_____padding_file_";

    private static StringComparer PathComparer =>
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    public static long CheckLength(long length) => length >= 0
        ? length
        : throw new MetainfoException(MetainfoError.NegativeLength, $"file length {length} is negative");

    public static List<TorrentFile> Read(BDictionary info, string name, MetainfoLimits limits)
    {
        var list = MetainfoReader.RequireList(info, "files");
        if (list.Count > limits.MaxFiles)
            throw new MetainfoException(MetainfoError.TooManyFiles, $"{list.Count} files exceed the limit of {limits.MaxFiles}");
        var files = new List<TorrentFile>(list.Count);
        var paths = new HashSet<string>(PathComparer);
        var directories = new HashSet<string>(PathComparer);
        long offset = 0;
        foreach (var entry in list)
        {
            var file = entry as BDictionary ?? throw new MetainfoException(MetainfoError.WrongType, "a 'files' entry is not a dictionary");
            long length = CheckLength(MetainfoReader.RequireInteger(file, "length"));
            var components = ReadPath(file, limits);
            bool isPadding = (file.GetText("attr")?.Contains('p') ?? false) || components[^1].StartsWith(LegacyPadPrefix, StringComparison.Ordinal);
            var path = name + "/" + string.Join('/', components);
            if (path.Length > limits.MaxPathLength)
                throw new MetainfoException(MetainfoError.PathTooLong, $"a path of {path.Length} characters exceeds {limits.MaxPathLength}");
            if (!isPadding) AddUnique(path, paths, directories);
            files.Add(new TorrentFile(path, offset, length, isPadding));
            try
            {
                offset = checked(offset + length);
            }
            catch (OverflowException)
            {
                throw new MetainfoException(MetainfoError.LengthOverflow, "the total length overflows 64 bits");
            }
        }
        return files;
    }

    private static List<string> ReadPath(BDictionary file, MetainfoLimits limits)
    {
        var path = MetainfoReader.RequireList(file, "path");
        if (path.Count == 0) throw new MetainfoException(MetainfoError.EmptyPathComponent, "a file has an empty path");
        if (path.Count + 1 > limits.MaxPathDepth)
            throw new MetainfoException(MetainfoError.PathTooLong, $"a path of {path.Count} components exceeds {limits.MaxPathDepth - 1}");
        var components = new List<string>(path.Count);
        foreach (var part in path)
        {
            var text = (part as BString ?? throw new MetainfoException(MetainfoError.WrongType, "a path component is not a string")).Text;
            PathValidator.ValidateComponent(text, limits);
            components.Add(text);
        }
        return components;
    }

    private static void AddUnique(string path, HashSet<string> paths, HashSet<string> directories)
    {
        if (directories.Contains(path) || !paths.Add(path))
            throw new MetainfoException(MetainfoError.DuplicatePath, $"'{PathValidator.Printable(path)}' appears twice or is also a directory");
        for (int slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
        {
            var directory = path[..slash];
            if (paths.Contains(directory))
                throw new MetainfoException(MetainfoError.DuplicatePath, $"'{PathValidator.Printable(directory)}' is both a file and a directory");
            if (!directories.Add(directory)) break;
        }
    }
}
