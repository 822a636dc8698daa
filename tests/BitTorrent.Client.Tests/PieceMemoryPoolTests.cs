using System.Runtime.InteropServices;

namespace BitTorrent.Client.Tests;

// The pool is process-wide: every test rents a size no other test (and no engine test) uses.
public sealed class PieceMemoryPoolTests
{
    [Theory]
    [InlineData(16 * 1024 + 1)]
    [InlineData(1_000_003)]
    public void Piece_memory_starts_on_a_page(int size)
    {
        var rented = PieceMemoryPool.Rent(size);

        Assert.Equal(size, rented.Memory.Length);
        Assert.Equal(0, Address(rented.Memory) % 4096);
        PieceMemoryPool.Return(rented);
    }

    [Fact]
    public void Pieces_of_half_a_megabyte_or_more_share_an_arena_on_a_huge_page_boundary()
    {
        const int Size = 1024 * 1024 - 3 * 4096; // two slots to a 2 MiB arena
        var first = PieceMemoryPool.Rent(Size);
        var second = PieceMemoryPool.Rent(Size);

        Assert.Same(Array(first.Memory), Array(second.Memory));
        Assert.Equal(0, Address(first.Memory) % PieceMemoryPool.HugePageSize);
        Assert.Equal(Address(first.Memory) + Size, Address(second.Memory));
        if (OperatingSystem.IsLinux() && File.Exists("/sys/kernel/mm/transparent_hugepage/enabled"))
            Assert.Contains("hg", VmFlagsOfMappingAt(Address(first.Memory))); // advised: MADV_HUGEPAGE

        PieceMemoryPool.Return(second);
        var again = PieceMemoryPool.Rent(Size);
        Assert.Equal(Address(second.Memory), Address(again.Memory)); // the arena's free slot, reused
        PieceMemoryPool.Return(first);
        PieceMemoryPool.Return(again);
    }

    [Fact]
    public void A_piece_under_half_a_megabyte_gets_an_arena_of_its_own()
    {
        const int Size = 100_003;
        var first = PieceMemoryPool.Rent(Size);
        var second = PieceMemoryPool.Rent(Size);

        Assert.NotSame(Array(first.Memory), Array(second.Memory));
        PieceMemoryPool.Return(first);
        PieceMemoryPool.Return(second);
    }

    [Fact]
    public void Memory_returned_twice_is_refused()
    {
        const int Size = 600_001;
        var first = PieceMemoryPool.Rent(Size);
        var second = PieceMemoryPool.Rent(Size);
        PieceMemoryPool.Return(first);

        Assert.Throws<InvalidOperationException>(() => PieceMemoryPool.Return(first));
        PieceMemoryPool.Return(second);
    }

    [Fact]
    public void Free_arenas_beyond_the_retained_bound_are_left_to_the_collector()
    {
        const int Size = 4 * 1024 * 1024 - 1; // one slot to a 4 MiB arena
        const int ArenaBytes = 4 * 1024 * 1024;
        int count = (int)(PieceMemoryPool.MaxRetainedBytes / ArenaBytes) + 4;
        var rented = Enumerable.Range(0, count).Select(_ => PieceMemoryPool.Rent(Size)).ToList();
        foreach (var memory in rented) PieceMemoryPool.Return(memory);

        Assert.InRange(PieceMemoryPool.RetainedBytes, 0, PieceMemoryPool.MaxRetainedBytes);
        var again = Enumerable.Range(0, count).Select(_ => PieceMemoryPool.Rent(Size)).ToList();
        int reused = again.Count(a => rented.Any(b => ReferenceEquals(Array(a.Memory), Array(b.Memory))));
        Assert.InRange(reused, 0, PieceMemoryPool.MaxRetainedBytes / ArenaBytes);
        foreach (var memory in again) PieceMemoryPool.Return(memory);
    }

    private static byte[] Array(Memory<byte> memory) => Segment(memory).Array!;

    private static long Address(Memory<byte> memory) =>
        Marshal.UnsafeAddrOfPinnedArrayElement(Segment(memory).Array!, Segment(memory).Offset);

    private static ArraySegment<byte> Segment(Memory<byte> memory) =>
        MemoryMarshal.TryGetArray<byte>(memory, out var segment) ? segment : throw new InvalidOperationException("not an array");

    /// <summary>The <c>VmFlags</c> line of the mapping in /proc/self/smaps that holds <paramref name="address"/>.</summary>
    private static string VmFlagsOfMappingAt(long address)
    {
        bool inside = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            int dash = line.IndexOf('-');
            int space = line.IndexOf(' ');
            if (dash > 0 && space > dash && ulong.TryParse(line.AsSpan(0, dash), System.Globalization.NumberStyles.HexNumber, null, out ulong start)
                && ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), System.Globalization.NumberStyles.HexNumber, null, out ulong end))
                inside = (ulong)address >= start && (ulong)address < end;
            else if (inside && line.StartsWith("VmFlags:", StringComparison.Ordinal))
                return line;
        }
        throw new InvalidOperationException($"no mapping holds 0x{address:x}");
    }
}
