using System.Runtime.InteropServices;

namespace BitTorrent.Storage.Tests;

public sealed class UncachedWriteTests : IDisposable
{
    private const int Page = 4096;
    private readonly TempDirectory _dir = TempDirectory.Create();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(0, 0, 16384, 0, 16384)] // all aligned
    [InlineData(0, 0, 10000, 0, 8192)] // the tail after two pages stays cached
    [InlineData(100, 100, 20000, 3996, 12288)] // memory and file equally misaligned: head, three pages, tail
    [InlineData(0, 100, 20000, 20000, 0)] // misaligned against each other: nothing bypasses the cache
    [InlineData(4000, 4000, 90, 90, 0)] // shorter than the head
    [InlineData(4095, 8191, 4097, 1, 4096)] // one byte of head, then exactly one page
    public void Split_keeps_only_whole_aligned_pages(long address, long position, int length, int head, int middle)
    {
        Assert.Equal((head, middle), UncachedFile.Split((nint)address, position, length));
    }

    /// <summary>Needs a temporary directory on a file system with <c>O_DIRECT</c> (ext4, xfs, btrfs, tmpfs since Linux 6.6).</summary>
    [Fact]
    public async Task Aligned_pages_of_a_piece_bypass_the_cache_and_read_back_intact()
    {
        var torrent = TestTorrent.Create(64 * 1024, ("a.bin", 200_000));
        await using var storage = new TorrentStorage(torrent.Info, _dir.Path);

        long expected = 0;
        for (int piece = 0; piece < torrent.Info.PieceCount; piece++)
        {
            await storage.WritePieceAsync(piece, AlignedCopy(torrent.Piece(piece).Span), PageCache.Bypass);
            expected += torrent.Info.GetPieceSize(piece) / Page * Page;
        }

        // 200,000 bytes: three whole pieces and 3,392 bytes of a fourth, under one page, which goes through the cache.
        Assert.Equal(196_608, expected);
        Assert.Equal(expected, storage.UncachedBytesWritten);
        Assert.Equal(torrent.FileContent(0), File.ReadAllBytes(storage.GetFilePath(0)));
        for (int piece = 0; piece < torrent.Info.PieceCount; piece++) Assert.True(await storage.VerifyPieceAsync(piece));
    }

    [Fact]
    public async Task Files_that_start_off_a_page_boundary_write_their_aligned_middle_uncached()
    {
        // b.bin starts at torrent offset 5,000: its file offsets and the piece memory never line up, so all of it is
        // cached; a.bin and the pieces' whole pages before it go past the cache.
        var torrent = TestTorrent.Create(16384, ("a.bin", 5000), ("b.bin", 40000));
        await using var storage = new TorrentStorage(torrent.Info, _dir.Path);

        for (int piece = 0; piece < torrent.Info.PieceCount; piece++)
        {
            await storage.WritePieceAsync(piece, AlignedCopy(torrent.Piece(piece).Span), PageCache.Bypass);
        }

        Assert.Equal(Page, storage.UncachedBytesWritten); // a.bin's first page; its last 904 bytes are cached
        Assert.Equal(torrent.FileContent(0), File.ReadAllBytes(storage.GetFilePath(0)));
        Assert.Equal(torrent.FileContent(1), File.ReadAllBytes(storage.GetFilePath(1)));
    }

    [Fact]
    public async Task Without_bypass_every_write_goes_through_the_cache()
    {
        var torrent = TestTorrent.Create(64 * 1024, ("a.bin", 131_072));
        await using var storage = new TorrentStorage(torrent.Info, _dir.Path);

        await storage.WritePieceAsync(0, AlignedCopy(torrent.Piece(0).Span));
        await storage.WritePieceAsync(1, AlignedCopy(torrent.Piece(1).Span), PageCache.Use);

        Assert.Equal(0, storage.UncachedBytesWritten);
        Assert.Equal(torrent.FileContent(0), File.ReadAllBytes(storage.GetFilePath(0)));
    }

    /// <summary>A copy of <paramref name="source"/> in page-aligned memory of the pinned heap.</summary>
    private static Memory<byte> AlignedCopy(ReadOnlySpan<byte> source)
    {
        var array = GC.AllocateUninitializedArray<byte>(source.Length + Page, pinned: true);
        int misalignment = (int)(Marshal.UnsafeAddrOfPinnedArrayElement(array, 0) & (Page - 1));
        var memory = array.AsMemory(misalignment == 0 ? 0 : Page - misalignment, source.Length);
        source.CopyTo(memory.Span);
        return memory;
    }
}
