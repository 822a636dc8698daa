namespace BitTorrent.Storage;

/// <summary>How much a file is wanted. <see cref="Skip"/> files are not created; the engine's picker reads the others.</summary>
public enum FilePriority
{
    /// <summary>Not wanted: never created; bytes of boundary pieces that fall in it go to the part file.</summary>
    Skip,
    /// <summary>Wanted, after the others.</summary>
    Low,
    /// <summary>Wanted (the default).</summary>
    Normal,
    /// <summary>Wanted first.</summary>
    High,
}
