namespace BitTorrent.Extensions;

/// <summary>The BEP 10 names of the extensions in this assembly.</summary>
public static class ExtensionNames
{
    /// <summary>Peer exchange, BEP 11.</summary>
    public const string UtPex = "ut_pex";

    /// <summary>Metadata exchange, BEP 9.</summary>
    public const string UtMetadata = "ut_metadata";

    /// <summary>"I no longer have this piece", BEP 54.</summary>
    public const string LtDontHave = "lt_donthave";
}
