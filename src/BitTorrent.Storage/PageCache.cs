namespace BitTorrent.Storage;

/// <summary>Whether a piece write goes through the operating system's page cache.</summary>
public enum PageCache
{
    /// <summary>Through the cache (the default): reading the piece back soon, to serve a peer, costs no disk read.</summary>
    Use,

    /// <summary>
    /// Whole, page-aligned 4 KiB pages go past the cache (<c>O_DIRECT</c> on Linux; libtorrent's <c>disable_os_cache</c>):
    /// no copy into fresh cache pages, and other programs' data stays cached. For a piece nobody will read back soon.
    /// The unaligned head and tail of a region, memory that does not line up with the file, and systems or file systems
    /// without <c>O_DIRECT</c> still go through the cache.
    /// </summary>
    Bypass,
}
