using System.Security.Cryptography;
using System.Text;
using BitTorrent.Extensions;

namespace BitTorrent.Extensions.Tests;

public class MetadataAssemblerTests
{
    private static byte[] Info(int size)
    {
        // A bencoded dict of exactly `size` bytes: d4:name<n>:<aaa...>e
        int n = size - 2 - 6;
        n -= n.ToString().Length + 1;
        var text = "d4:name" + n + ":" + new string('a', n) + "e";
        while (text.Length < size) { n++; text = "d4:name" + n + ":" + new string('a', n) + "e"; }
        Assert.Equal(size, text.Length);
        return Encoding.ASCII.GetBytes(text);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(16384, 1)]
    [InlineData(16385, 2)]
    [InlineData(40000, 3)]
    [InlineData(MetadataMessage.MaxMetadataSize, 611)]
    public void Counts_pieces(int size, int pieces) => Assert.Equal(pieces, MetadataAssembler.GetPieceCount(size));

    [Fact]
    public void Assembles_out_of_order_pieces_and_verifies_the_hash()
    {
        var info = Info(40000);
        var assembler = new MetadataAssembler(new InfoHash(SHA1.HashData(info)), info.Length);
        Assert.Equal(3, assembler.PieceCount);
        Assert.Equal(40000 - 32768, assembler.GetPieceLength(2));
        Assert.Equal(MetadataPieceResult.Accepted, assembler.Add(2, info.AsSpan(32768)));
        Assert.Equal(MetadataPieceResult.Accepted, assembler.Add(0, info.AsSpan(0, 16384)));
        Assert.Equal([1], assembler.MissingPieces());
        Assert.False(assembler.IsComplete);
        Assert.Throws<InvalidOperationException>(() => assembler.TryComplete(out _));
        Assert.Equal(MetadataPieceResult.Accepted, assembler.Add(1, info.AsSpan(16384, 16384)));
        Assert.True(assembler.IsComplete);
        Assert.True(assembler.TryComplete(out var result));
        Assert.Equal(info, result);
    }

    [Fact]
    public void Holds_only_the_pieces_that_arrived_and_releases_them_on_completion()
    {
        var info = Info(MetadataMessage.MaxMetadataSize);
        var assembler = new MetadataAssembler(new InfoHash(SHA1.HashData(info)), info.Length);
        long before = GC.GetAllocatedBytesForCurrentThread();
        assembler.Add(7, info.AsSpan(7 * 16384, 16384));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(16384, assembler.BufferedBytes);
        Assert.InRange(allocated, 16384, 16384 + 1024); // one piece, not the advertised 10 MB

        for (int i = 0; i < assembler.PieceCount; i++)
            if (i != 7) assembler.Add(i, info.AsSpan(i * 16384, assembler.GetPieceLength(i)));
        Assert.Equal(info.Length, assembler.BufferedBytes);
        Assert.True(assembler.TryComplete(out var result));
        Assert.Equal(info, result);
        Assert.Equal(0, assembler.BufferedBytes);
    }

    [Fact]
    public void Validates_every_index_and_length()
    {
        var info = Info(20000);
        var assembler = new MetadataAssembler(new InfoHash(SHA1.HashData(info)), info.Length);
        Assert.Equal(MetadataPieceResult.InvalidIndex, assembler.Add(-1, info.AsSpan(0, 16384)));
        Assert.Equal(MetadataPieceResult.InvalidIndex, assembler.Add(2, info.AsSpan(0, 16384)));
        Assert.Equal(MetadataPieceResult.InvalidLength, assembler.Add(0, info.AsSpan(0, 16383)));
        Assert.Equal(MetadataPieceResult.InvalidLength, assembler.Add(1, info.AsSpan(16384, 3615)));
        Assert.Equal(MetadataPieceResult.InvalidLength, assembler.Add(1, new byte[16384]));
        Assert.Equal(0, assembler.ReceivedCount);
        Assert.Equal(MetadataPieceResult.Accepted, assembler.Add(1, info.AsSpan(16384)));
        Assert.Equal(MetadataPieceResult.Duplicate, assembler.Add(1, info.AsSpan(16384)));
        Assert.Equal(1, assembler.ReceivedCount);
        Assert.True(assembler.HasPiece(1));
        Assert.False(assembler.HasPiece(0));
        Assert.False(assembler.HasPiece(5));
    }

    [Fact]
    public void A_hash_mismatch_forgets_every_piece()
    {
        var info = Info(100);
        var assembler = new MetadataAssembler(new InfoHash(new byte[20]), info.Length);
        assembler.Add(0, info);
        Assert.Equal(100, assembler.BufferedBytes);
        Assert.False(assembler.TryComplete(out var result));
        Assert.Empty(result);
        Assert.Equal(0, assembler.ReceivedCount);
        Assert.Equal(0, assembler.BufferedBytes);
        Assert.Equal([0], assembler.MissingPieces());
    }

    [Fact]
    public void Keeps_non_canonical_bytes_exactly()
    {
        // Keys out of order: re-encoding would sort them and change the hash.
        var info = Encoding.ASCII.GetBytes("d4:name1:x12:piece lengthi16384e6:lengthi1ee");
        var hash = new InfoHash(SHA1.HashData(info));
        var assembler = new MetadataAssembler(hash, info.Length);
        assembler.Add(0, info);
        Assert.True(assembler.TryComplete(out var result));
        Assert.Equal(hash, InfoHash.FromInfoDictionary(result));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(MetadataMessage.MaxMetadataSize + 1)]
    public void Refuses_sizes_outside_the_limit(int size)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetadataAssembler(default, size));
    }
}
