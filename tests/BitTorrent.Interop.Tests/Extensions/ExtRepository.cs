namespace BitTorrent.Interop.Tests.Extensions;

/// <summary>Finds the repository (the folder holding BitTorrent.slnx) from the test's base directory.</summary>
internal static class ExtRepository
{
    /// <summary>The repository root.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>tests/interop-peers.</summary>
    public static string InteropPeers => Path.Combine(Root, "tests", "interop-peers");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BitTorrent.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"BitTorrent.slnx not found above {AppContext.BaseDirectory}");
    }
}
