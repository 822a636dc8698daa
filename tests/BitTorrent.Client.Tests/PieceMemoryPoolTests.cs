using System.Runtime.InteropServices;

namespace BitTorrent.Client.Tests;

public sealed class PieceMemoryPoolTests
{
    [Theory]
    [InlineData(16 * 1024 + 1)] // sizes no other test rents (the pool is process-wide)
    [InlineData(1_000_003)]
    public void Piece_memory_starts_on_a_page_and_the_array_is_reused(int size)
    {
        var array = PieceMemoryPool.Rent(size);
        var memory = PieceMemoryPool.Slice(array, size);

        Assert.Equal(size, memory.Length);
        Assert.True(MemoryMarshal.TryGetArray<byte>(memory, out var segment));
        Assert.Equal(0, Marshal.UnsafeAddrOfPinnedArrayElement(segment.Array!, segment.Offset) % 4096);
        PieceMemoryPool.Return(array, size);
        Assert.Same(array, PieceMemoryPool.Rent(size));
    }

    [Fact]
    public void Free_arrays_beyond_the_retained_bound_are_left_to_the_collector()
    {
        const int Size = 4 * 1024 * 1024 - 1; // a size no other test rents
        int count = (int)(PieceMemoryPool.MaxRetainedBytes / Size) + 4;
        var arrays = Enumerable.Range(0, count).Select(_ => PieceMemoryPool.Rent(Size)).ToList();
        foreach (var array in arrays) PieceMemoryPool.Return(array, Size);

        var again = Enumerable.Range(0, count).Select(_ => PieceMemoryPool.Rent(Size)).ToList();

        int reused = again.Count(a => arrays.Any(b => ReferenceEquals(a, b)));
        Assert.InRange(reused, 0, PieceMemoryPool.MaxRetainedBytes / Size); // other tests' free arrays count too
        foreach (var array in again) PieceMemoryPool.Return(array, Size);
    }
}
