using System.Runtime.InteropServices;

namespace BitTorrent.Client;

/// <summary>
/// Piece memory that starts on a 4 KiB page boundary, from arrays on the pinned object heap (which never move), pooled
/// by size. The storage writes the whole pages of a piece past the page cache only from memory that lines up with the
/// file (<see cref="BitTorrent.Storage.PageCache.Bypass"/>); reused arrays are also pages the process already has,
/// where fresh ones cost a page fault each. Free arrays are kept up to <see cref="MaxRetainedBytes"/> in
/// the whole process, the rest left to the GC. Thread-safe (the loops of all torrents share it).
/// </summary>
internal static class PieceMemoryPool
{
    /// <summary>The most bytes of free arrays kept for reuse.</summary>
    public const long MaxRetainedBytes = 32L * 1024 * 1024;

    private const int PageSize = 4096;
    private static readonly Lock s_lock = new();
    private static readonly Dictionary<int, Stack<byte[]>> s_free = [];
    private static long s_retained;

    /// <summary>An array that holds <paramref name="size"/> bytes from a page boundary (see <see cref="Slice"/>).</summary>
    public static byte[] Rent(int size)
    {
        lock (s_lock)
        {
            if (s_free.TryGetValue(size, out var stack) && stack.TryPop(out var array))
            {
                s_retained -= array.Length;
                return array;
            }
        }
        return GC.AllocateUninitializedArray<byte>(size + PageSize - 1, pinned: true);
    }

    /// <summary>The <paramref name="size"/> bytes of <paramref name="array"/> (from <see cref="Rent"/>) that start on a page boundary.</summary>
    public static Memory<byte> Slice(byte[] array, int size)
    {
        int misalignment = (int)(Marshal.UnsafeAddrOfPinnedArrayElement(array, 0) & (PageSize - 1));
        return array.AsMemory(misalignment == 0 ? 0 : PageSize - misalignment, size);
    }

    /// <summary>Gives back an array rented for <paramref name="size"/> bytes.</summary>
    public static void Return(byte[] array, int size)
    {
        lock (s_lock)
        {
            if (s_retained + array.Length > MaxRetainedBytes) return;
            if (!s_free.TryGetValue(size, out var stack)) s_free[size] = stack = new Stack<byte[]>();
            stack.Push(array);
            s_retained += array.Length;
        }
    }
}
