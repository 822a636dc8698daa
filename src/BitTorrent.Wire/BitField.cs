namespace BitTorrent.Wire;

/// <summary>
/// A set of piece indices in the BEP 3 bitfield layout: bit i is byte i/8, mask 0x80 &gt;&gt; (i % 8).
/// It grows on <see cref="Set"/> up to <see cref="MaxLength"/> bits; after a have-all it reports every piece as present.
/// Every member is safe to call from any thread: reads see a whole update (a bitfield message, a have) or none of it.
/// </summary>
public sealed class BitField
{
    private readonly object _sync = new();
    private byte[] _bytes;
    private int _count;
    private HashSet<int>? _missingFromAll; // after have-all with no known length: the pieces since cleared

    /// <summary>Creates an empty bit field of <paramref name="length"/> bits that may grow to <paramref name="maxLength"/>.</summary>
    public BitField(int length = 0, int maxLength = DefaultMaxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length > maxLength) throw new ArgumentOutOfRangeException(nameof(length), "longer than maxLength");
        MaxLength = maxLength;
        _length = length;
        _bytes = new byte[(length + 7) / 8];
    }

    /// <summary>The largest number of pieces a bit field grows to by default (the seed's 400,000).</summary>
    public const int DefaultMaxLength = 400_000;

    /// <summary>The number of bits (pieces) this field covers.</summary>
    public int Length
    {
        get { lock (_sync) return _length; }
    }

    private int _length;

    /// <summary>The cap on <see cref="Length"/>.</summary>
    public int MaxLength { get; }

    /// <summary>True after <see cref="SetAll"/>: every index reads as present, whatever the length.</summary>
    public bool HasAll
    {
        get { lock (_sync) return _hasAll; }
    }

    private bool _hasAll;

    /// <summary>The number of set bits (equals <see cref="Length"/> when <see cref="HasAll"/> and the length is known).</summary>
    public int Count
    {
        get { lock (_sync) return _hasAll ? _length - (_missingFromAll?.Count(i => i < _length) ?? 0) : _count; }
    }

    /// <summary>The bytes in wire order (a copy).</summary>
    public byte[] ToArray()
    {
        lock (_sync)
        {
            if (!_hasAll) return (byte[])_bytes.Clone();
            var all = new byte[(_length + 7) / 8];
            for (int i = 0; i < _length; i++) all[i >> 3] |= (byte)(0x80 >> (i & 7));
            return all;
        }
    }

    /// <summary>True when piece <paramref name="index"/> is present.</summary>
    public bool Get(int index)
    {
        lock (_sync)
        {
            if (_hasAll) return index >= 0 && _missingFromAll?.Contains(index) != true;
            if ((uint)index >= (uint)_length) return false;
            return (_bytes[index >> 3] & (0x80 >> (index & 7))) != 0;
        }
    }

    /// <summary>Indexer form of <see cref="Get"/>.</summary>
    public bool this[int index] => Get(index);

    /// <summary>Sets or clears bit <paramref name="index"/>, growing the field if needed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative, or beyond <see cref="MaxLength"/>.</exception>
    public void Set(int index, bool value = true)
    {
        lock (_sync)
        {
            if ((uint)index >= (uint)MaxLength) throw new ArgumentOutOfRangeException(nameof(index), $"piece index {index} outside 0..{MaxLength - 1}");
            if (_hasAll)
            {
                // With the length known the field becomes explicit bits; without it, the cleared pieces are remembered.
                if (_length > 0) Materialize();
                else
                {
                    if (value) _missingFromAll?.Remove(index);
                    else (_missingFromAll ??= []).Add(index);
                    return;
                }
            }
            if (index >= _length) Grow(index + 1);
            ref byte b = ref _bytes[index >> 3];
            byte mask = (byte)(0x80 >> (index & 7));
            bool was = (b & mask) != 0;
            if (was == value) return;
            if (value) { b |= mask; _count++; }
            else { b = (byte)(b & ~mask); _count--; }
        }
    }

    /// <summary>Marks every piece present (have-all).</summary>
    public void SetAll()
    {
        lock (_sync)
        {
            _hasAll = true;
            _missingFromAll = null;
        }
    }

    /// <summary>Clears every bit (have-none).</summary>
    public void Clear()
    {
        lock (_sync)
        {
            _hasAll = false;
            _missingFromAll = null;
            Array.Clear(_bytes);
            _count = 0;
        }
    }

    /// <summary>Replaces the contents with wire-order <paramref name="bytes"/> (a bitfield message).</summary>
    public void Load(ReadOnlySpan<byte> bytes, int length)
    {
        lock (_sync)
        {
            if (length > MaxLength || (length + 7) / 8 != bytes.Length) throw new ArgumentException("bitfield size does not match the length");
            var loaded = bytes.ToArray();
            int trailing = bytes.Length * 8 - length;
            if (trailing > 0) loaded[^1] &= (byte)(0xFF << trailing);
            int count = 0;
            foreach (byte b in loaded) count += System.Numerics.BitOperations.PopCount(b);
            _hasAll = false;
            _missingFromAll = null;
            _bytes = loaded;
            _count = count;
            _length = length;
        }
    }

    /// <summary>Sets the number of pieces once known; bits beyond it are dropped.</summary>
    public void SetLength(int length)
    {
        lock (_sync)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            if (length > MaxLength) throw new ArgumentOutOfRangeException(nameof(length));
            if (length > _length) { Grow(length); return; }
            for (int i = length; i < _length; i++) if (!_hasAll && Get(i)) Set(i, false);
            _length = length;
            Array.Resize(ref _bytes, (length + 7) / 8);
        }
    }

    /// <summary>True when a bit at or after <paramref name="index"/> is set (not counting have-all).</summary>
    internal bool AnySetFrom(int index)
    {
        lock (_sync)
        {
            if (_hasAll) return false;
            for (int i = index; i < _length; i++)
                if ((_bytes[i >> 3] & (0x80 >> (i & 7))) != 0) return true;
            return false;
        }
    }

    private void Grow(int length)
    {
        int bytes = (length + 7) / 8;
        if (bytes > _bytes.Length) Array.Resize(ref _bytes, Math.Max(bytes, Math.Min(_bytes.Length * 2, (MaxLength + 7) / 8)));
        _length = length;
    }

    private void Materialize()
    {
        _hasAll = false;
        _bytes = new byte[Math.Max(_bytes.Length, (_length + 7) / 8)];
        _count = 0;
        for (int i = 0; i < _length; i++)
        {
            if (_missingFromAll?.Contains(i) == true) continue;
            _bytes[i >> 3] |= (byte)(0x80 >> (i & 7));
            _count++;
        }
        _missingFromAll = null;
    }
}
