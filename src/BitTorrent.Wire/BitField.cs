namespace BitTorrent.Wire;

/// <summary>
/// A set of piece indices in the BEP 3 bitfield layout: bit i is byte i/8, mask 0x80 &gt;&gt; (i % 8).
/// It grows on <see cref="Set"/> up to <see cref="MaxLength"/> bits; after a have-all it reports every piece as present.
/// </summary>
public sealed class BitField
{
    private byte[] _bytes;
    private int _count;

    /// <summary>Creates an empty bit field of <paramref name="length"/> bits that may grow to <paramref name="maxLength"/>.</summary>
    public BitField(int length = 0, int maxLength = DefaultMaxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length > maxLength) throw new ArgumentOutOfRangeException(nameof(length), "longer than maxLength");
        MaxLength = maxLength;
        Length = length;
        _bytes = new byte[(length + 7) / 8];
    }

    /// <summary>The largest number of pieces a bit field grows to by default (the seed's 400,000).</summary>
    public const int DefaultMaxLength = 400_000;

    /// <summary>The number of bits (pieces) this field covers.</summary>
    public int Length { get; private set; }

    /// <summary>The cap on <see cref="Length"/>.</summary>
    public int MaxLength { get; }

    /// <summary>True after <see cref="SetAll"/>: every index reads as present, whatever the length.</summary>
    public bool HasAll { get; private set; }

    /// <summary>The number of set bits (equals <see cref="Length"/> when <see cref="HasAll"/> and the length is known).</summary>
    public int Count => HasAll ? Length : _count;

    /// <summary>The bytes in wire order (a copy).</summary>
    public byte[] ToArray()
    {
        if (!HasAll) return (byte[])_bytes.Clone();
        var all = new byte[(Length + 7) / 8];
        for (int i = 0; i < Length; i++) all[i >> 3] |= (byte)(0x80 >> (i & 7));
        return all;
    }

    /// <summary>True when piece <paramref name="index"/> is present.</summary>
    public bool Get(int index)
    {
        if (HasAll) return index >= 0;
        if ((uint)index >= (uint)Length) return false;
        return (_bytes[index >> 3] & (0x80 >> (index & 7))) != 0;
    }

    /// <summary>Indexer form of <see cref="Get"/>.</summary>
    public bool this[int index] => Get(index);

    /// <summary>Sets or clears bit <paramref name="index"/>, growing the field if needed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative, or beyond <see cref="MaxLength"/>.</exception>
    public void Set(int index, bool value = true)
    {
        if ((uint)index >= (uint)MaxLength) throw new ArgumentOutOfRangeException(nameof(index), $"piece index {index} outside 0..{MaxLength - 1}");
        if (HasAll)
        {
            if (value) return;
            Materialize();
        }
        if (index >= Length) Grow(index + 1);
        ref byte b = ref _bytes[index >> 3];
        byte mask = (byte)(0x80 >> (index & 7));
        bool was = (b & mask) != 0;
        if (was == value) return;
        if (value) { b |= mask; _count++; }
        else { b = (byte)(b & ~mask); _count--; }
    }

    /// <summary>Marks every piece present (have-all).</summary>
    public void SetAll() => HasAll = true;

    /// <summary>Clears every bit (have-none).</summary>
    public void Clear()
    {
        HasAll = false;
        Array.Clear(_bytes);
        _count = 0;
    }

    /// <summary>Replaces the contents with wire-order <paramref name="bytes"/> (a bitfield message).</summary>
    public void Load(ReadOnlySpan<byte> bytes, int length)
    {
        if (length > MaxLength || (length + 7) / 8 != bytes.Length) throw new ArgumentException("bitfield size does not match the length");
        HasAll = false;
        Length = length;
        _bytes = bytes.ToArray();
        int trailing = bytes.Length * 8 - length;
        if (trailing > 0) _bytes[^1] &= (byte)(0xFF << trailing);
        _count = 0;
        foreach (byte b in _bytes) _count += System.Numerics.BitOperations.PopCount(b);
    }

    /// <summary>Sets the number of pieces once known; bits beyond it are dropped.</summary>
    public void SetLength(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length > MaxLength) throw new ArgumentOutOfRangeException(nameof(length));
        if (length > Length) { Grow(length); return; }
        for (int i = length; i < Length; i++) if (!HasAll && Get(i)) Set(i, false);
        Length = length;
        Array.Resize(ref _bytes, (length + 7) / 8);
    }

    private void Grow(int length)
    {
        int bytes = (length + 7) / 8;
        if (bytes > _bytes.Length) Array.Resize(ref _bytes, Math.Max(bytes, Math.Min(_bytes.Length * 2, (MaxLength + 7) / 8)));
        Length = length;
    }

    private void Materialize()
    {
        HasAll = false;
        _bytes = new byte[Math.Max(_bytes.Length, (Length + 7) / 8)];
        for (int i = 0; i < Length; i++) _bytes[i >> 3] |= (byte)(0x80 >> (i & 7));
        _count = Length;
    }
}
