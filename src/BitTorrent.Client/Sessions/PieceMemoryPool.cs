using System.Runtime.InteropServices;

namespace BitTorrent.Client;

/// <summary>
/// Piece memory: page-aligned slots cut from arenas, arrays on the pinned object heap (which never move), pooled by
/// size. The storage writes the whole pages of a piece past the page cache only from memory that lines up with the
/// file (<see cref="BitTorrent.Storage.PageCache.Bypass"/>). Slots of at least <see cref="MinimumHugeSlot"/> share
/// arenas that start on a 2 MiB boundary and are advised as transparent huge pages (Linux <c>madvise</c>): the kernel
/// then faults a piece's memory in 2 MiB at a time rather than 4 KiB, pins one huge page instead of 256 small ones
/// for the uncached write of a 1 MiB piece, and the block copies miss the TLB less (on this project's virtual
/// machine, where a page fault costs about 8 µs, that was 13–19 % of the downloader's CPU; BENCHMARKS.md).
/// Bounds: a live slot holds at most its arena (at most 2 MiB for a piece under 2 MiB, so at most four times a
/// 512 KiB piece), and free arenas are kept up to <see cref="MaxRetainedBytes"/> in the whole process, the rest left
/// to the GC. A slot reached through a stale <see cref="Memory{T}"/> is still managed memory, never freed under it.
/// Thread-safe (the loops of all torrents share it).
/// </summary>
internal static class PieceMemoryPool
{
    /// <summary>The most bytes of wholly free arenas kept for reuse.</summary>
    public const long MaxRetainedBytes = 32L * 1024 * 1024;

    /// <summary>The smallest slot placed in a huge-page arena; a smaller piece gets an arena of its own.</summary>
    public const int MinimumHugeSlot = 512 * 1024;

    /// <summary>The size and alignment of a transparent huge page on x64 and arm64 Linux.</summary>
    public const int HugePageSize = 2 * 1024 * 1024;

    private const int PageSize = 4096;
    private const int AdviseHugePage = 14; // MADV_HUGEPAGE
    private static readonly Lock s_lock = new();
    private static readonly Dictionary<int, SizeClass> s_classes = [];
    private static long s_retained;
    private static bool s_adviceUnavailable;

    /// <summary>Bytes of wholly free arenas the pool keeps (at most <see cref="MaxRetainedBytes"/>).</summary>
    public static long RetainedBytes
    {
        get { lock (s_lock) return s_retained; }
    }

    /// <summary>Memory for <paramref name="size"/> bytes starting on a page boundary; give it back with <see cref="Return"/>.</summary>
    public static PieceMemory Rent(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        lock (s_lock)
        {
            if (!s_classes.TryGetValue(size, out var sizeClass)) s_classes[size] = sizeClass = new SizeClass();
            if (sizeClass.Partial.Count == 0)
            {
                if (sizeClass.Empty.TryPop(out var kept)) s_retained -= kept.Bytes;
                sizeClass.Partial.Add(kept ?? Arena.Create(size));
            }
            var arena = sizeClass.Partial[^1];
            int index = arena.Take();
            if (arena.FreeCount == 0) sizeClass.Partial.RemoveAt(sizeClass.Partial.Count - 1);
            return new PieceMemory(arena, index, arena.Slot(index, size));
        }
    }

    /// <summary>Gives back memory from <see cref="Rent"/>; nothing may touch it afterwards.</summary>
    public static void Return(PieceMemory memory)
    {
        var arena = memory.Arena;
        lock (s_lock)
        {
            var sizeClass = s_classes[memory.Memory.Length];
            arena.Give(memory.Index);
            if (arena.FreeCount < arena.Count)
            {
                if (arena.FreeCount == 1) sizeClass.Partial.Add(arena);
                return;
            }
            if (arena.Count > 1) sizeClass.Partial.Remove(arena);
            if (s_retained + arena.Bytes > MaxRetainedBytes) return;
            sizeClass.Empty.Push(arena);
            s_retained += arena.Bytes;
        }
    }

    private static void AdviseHugePages(nint address, int length)
    {
        if (!OperatingSystem.IsLinux() || s_adviceUnavailable) return;
        try
        {
            _ = Advise(address, (nuint)length, AdviseHugePage); // advice only: a kernel without THP refuses it, harmlessly
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_adviceUnavailable = true;
        }
    }

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int Advise(nint address, nuint length, int advice);

    private sealed class SizeClass
    {
        /// <summary>Arenas with a slot in use and a slot free; slots are taken from the last.</summary>
        public List<Arena> Partial { get; } = [];

        /// <summary>Wholly free arenas kept for reuse.</summary>
        public Stack<Arena> Empty { get; } = new();
    }

    /// <summary>One pinned array cut into <see cref="Count"/> equal, page-aligned slots.</summary>
    internal sealed class Arena
    {
        private readonly byte[] _array;
        private readonly int _start;
        private readonly int _slotStride;
        private int _freeMask;

        private Arena(byte[] array, int start, int slotStride, int count, int bytes)
        {
            _array = array;
            _start = start;
            _slotStride = slotStride;
            Count = count;
            Bytes = bytes;
            _freeMask = (1 << count) - 1;
        }

        /// <summary>Slots in the arena (1 to 4).</summary>
        public int Count { get; }

        /// <summary>The bytes the arena covers.</summary>
        public int Bytes { get; }

        /// <summary>Slots not in use.</summary>
        public int FreeCount => System.Numerics.BitOperations.PopCount((uint)_freeMask);

        public static Arena Create(int size)
        {
            int stride = checked((size + PageSize - 1) & ~(PageSize - 1));
            bool huge = stride >= MinimumHugeSlot;
            int count = huge && stride < HugePageSize ? HugePageSize / stride : 1;
            int bytes = huge ? checked((count * stride + HugePageSize - 1) & ~(HugePageSize - 1)) : stride;
            int alignment = huge ? HugePageSize : PageSize;
            var array = GC.AllocateUninitializedArray<byte>(checked(bytes + alignment - 1), pinned: true);
            nint address = Marshal.UnsafeAddrOfPinnedArrayElement(array, 0);
            int start = (int)((alignment - (address & (alignment - 1))) & (alignment - 1));
            if (huge) AdviseHugePages(address + start, bytes);
            return new Arena(array, start, stride, count, bytes);
        }

        public int Take()
        {
            int index = System.Numerics.BitOperations.TrailingZeroCount(_freeMask);
            _freeMask &= ~(1 << index);
            return index;
        }

        public void Give(int index)
        {
            if ((_freeMask & (1 << index)) != 0) throw new InvalidOperationException("piece memory returned twice");
            _freeMask |= 1 << index;
        }

        public Memory<byte> Slot(int index, int size) => _array.AsMemory(_start + index * _slotStride, size);
    }
}

/// <summary>A slot of piece memory rented from <see cref="PieceMemoryPool"/>.</summary>
internal readonly record struct PieceMemory(PieceMemoryPool.Arena Arena, int Index, Memory<byte> Memory);
