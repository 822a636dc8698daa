namespace BitTorrent.Bencode;

/// <summary>The kind of the next item a <see cref="BencodeReader"/> will read.</summary>
public enum BencodeToken
{
    /// <summary>No more input.</summary>
    None,
    /// <summary>An integer, <c>i…e</c>.</summary>
    Integer,
    /// <summary>A byte string, <c>len:bytes</c>.</summary>
    String,
    /// <summary>The start of a list, <c>l</c>.</summary>
    ListStart,
    /// <summary>The start of a dictionary, <c>d</c>.</summary>
    DictionaryStart,
    /// <summary>The end of the current list or dictionary, <c>e</c>.</summary>
    End,
}

/// <summary>
/// A forward-only, allocation-free bencode reader over a span. Every length and depth is checked against
/// <see cref="BencodeOptions"/> before it is used; errors are <see cref="BencodeException"/>s carrying the byte offset.
/// </summary>
public ref struct BencodeReader
{
    private const int MaxSupportedDepth = 64;
    private readonly ReadOnlySpan<byte> _data;
    private readonly BencodeOptions _options;
    private readonly long _baseOffset;
    private int _position;
    private int _depth;
    private int _values;
    private ulong _dictionaryLevels;   // bit d set: nesting level d is a dictionary
    private ulong _awaitingValue;      // bit d set: the dictionary at level d has read a key and awaits its value
    private LevelInts _lastKeyStarts;  // strict mode: the last key read per dictionary level
    private LevelInts _lastKeyLengths;
    private LevelInts _elementCounts;

    /// <summary>Creates a reader over <paramref name="data"/>.</summary>
    /// <param name="data">The bencoded input.</param>
    /// <param name="options">Limits and strictness; <see cref="BencodeOptions.Lenient"/> when null.</param>
    /// <param name="baseOffset">Added to every reported error offset (for data cut from a larger stream).</param>
    public BencodeReader(ReadOnlySpan<byte> data, BencodeOptions? options = null, long baseOffset = 0)
    {
        _options = options ?? BencodeOptions.Lenient;
        if (data.Length > _options.MaxTotalSize)
            throw new BencodeException(BencodeError.TotalSizeExceeded, baseOffset, $"{data.Length} bytes");
        _data = data;
        _baseOffset = baseOffset;
    }

    /// <summary>The number of bytes consumed so far.</summary>
    public readonly int Position => _position;

    /// <summary>Current nesting depth (0 at top level).</summary>
    public readonly int Depth => _depth;

    /// <summary>The bytes not yet read.</summary>
    public readonly ReadOnlySpan<byte> Remaining => _data[_position..];

    /// <summary>The options this reader enforces.</summary>
    public readonly BencodeOptions Options => _options;

    /// <summary>Looks at the next token without consuming it.</summary>
    public readonly BencodeToken Peek()
    {
        if (_position >= _data.Length) return BencodeToken.None;
        return _data[_position] switch
        {
            (byte)'i' => BencodeToken.Integer,
            (byte)'l' => BencodeToken.ListStart,
            (byte)'d' => BencodeToken.DictionaryStart,
            (byte)'e' => BencodeToken.End,
            >= (byte)'0' and <= (byte)'9' => BencodeToken.String,
            _ => throw Error(BencodeError.InvalidToken, _position),
        };
    }

    /// <summary>Reads an integer <c>i…e</c> of up to 64 bits.</summary>
    public long ReadInteger()
    {
        BeginValue(isKey: false);
        int start = _position;
        Expect((byte)'i');
        bool negative = false;
        if (_position < _data.Length && _data[_position] == (byte)'-')
        {
            negative = true;
            _position++;
        }
        int digitsStart = _position;
        ulong magnitude = 0;
        while (true)
        {
            if (_position >= _data.Length) throw Error(BencodeError.UnexpectedEnd, _position);
            byte b = _data[_position];
            if (b == (byte)'e') break;
            if (b < (byte)'0' || b > (byte)'9') throw Error(BencodeError.InvalidToken, _position);
            ulong next = magnitude * 10 + (ulong)(b - '0');
            if (magnitude > (ulong.MaxValue - 9) / 10 || next > (negative ? 9223372036854775808UL : long.MaxValue))
                throw Error(BencodeError.IntegerOverflow, start);
            magnitude = next;
            _position++;
        }
        int digits = _position - digitsStart;
        if (digits == 0) throw Error(BencodeError.InvalidToken, _position);
        if (_options.IsStrict)
        {
            if (digits > 1 && _data[digitsStart] == (byte)'0') throw Error(BencodeError.LeadingZero, digitsStart);
            if (negative && magnitude == 0) throw Error(BencodeError.NegativeZero, start);
        }
        _position++; // 'e'
        EndValue();
        return negative ? (long)(0UL - magnitude) : (long)magnitude;
    }

    /// <summary>Reads a byte string and returns a slice of the input (no copy).</summary>
    public ReadOnlySpan<byte> ReadString()
    {
        bool isKey = AwaitingKey;
        BeginValue(isKey);
        int start = _position;
        if (_data[_position] is < (byte)'0' or > (byte)'9')
            throw Error(BencodeError.UnexpectedType, _position, isKey ? "dictionary key must be a string" : "expected a string");
        int length = ReadLength();
        if (_data.Length - _position < length) throw Error(BencodeError.UnexpectedEnd, _data.Length);
        var value = _data.Slice(_position, length);
        _position += length;
        if (isKey) CheckKeyOrder(start, _position - length, length);
        EndValue(isKey);
        return value;
    }

    /// <summary>Consumes <c>l</c>.</summary>
    public void ReadListStart() => Open((byte)'l', dictionary: false);

    /// <summary>Consumes <c>d</c>.</summary>
    public void ReadDictionaryStart() => Open((byte)'d', dictionary: true);

    /// <summary>Consumes the <c>e</c> that closes the current list or dictionary, if it is next.</summary>
    /// <returns>True when the container was closed; false when another element follows.</returns>
    public bool TryReadEnd()
    {
        if (_depth == 0) return false;
        if (_position >= _data.Length) throw Error(BencodeError.UnexpectedEnd, _position);
        if (_data[_position] != (byte)'e') return false;
        int level = _depth - 1;
        if (IsDictionary(level) && (_awaitingValue & (1UL << level)) != 0)
            throw Error(BencodeError.InvalidToken, _position, "dictionary key without a value");
        _position++;
        _dictionaryLevels &= ~(1UL << level);
        _awaitingValue &= ~(1UL << level);
        _depth--;
        EndValue();
        return true;
    }

    /// <summary>Skips the next value (of any type) and returns its raw encoded bytes, e.g. to hash an info dictionary.</summary>
    public ReadOnlySpan<byte> ReadRawValue()
    {
        int start = _position;
        int startDepth = _depth;
        switch (Peek())
        {
            case BencodeToken.Integer: ReadInteger(); break;
            case BencodeToken.String: ReadString(); break;
            case BencodeToken.ListStart:
            case BencodeToken.DictionaryStart:
                if (Peek() == BencodeToken.ListStart) ReadListStart(); else ReadDictionaryStart();
                while (_depth > startDepth)
                {
                    if (TryReadEnd()) continue;
                    switch (Peek())
                    {
                        case BencodeToken.Integer: ReadInteger(); break;
                        case BencodeToken.String: ReadString(); break;
                        case BencodeToken.ListStart: ReadListStart(); break;
                        case BencodeToken.DictionaryStart: ReadDictionaryStart(); break;
                        default: throw Error(BencodeError.InvalidToken, _position);
                    }
                }
                break;
            case BencodeToken.None: throw Error(BencodeError.UnexpectedEnd, _position);
            default: throw Error(BencodeError.InvalidToken, _position);
        }
        return _data[start.._position];
    }

    /// <summary>In strict mode, throws <see cref="BencodeError.TrailingBytes"/> when input remains after the top-level value.</summary>
    public readonly void EnsureFullyConsumed()
    {
        if (_depth != 0) throw Error(BencodeError.UnexpectedEnd, _position);
        if (_options.IsStrict && _position != _data.Length) throw Error(BencodeError.TrailingBytes, _position);
    }

    /// <summary>Builds an exception for the current position, for callers validating the shape of a message.</summary>
    public readonly BencodeException CreateError(BencodeError error, string? detail = null) => Error(error, _position, detail);

    private readonly bool AwaitingKey =>
        _depth > 0 && IsDictionary(_depth - 1) && (_awaitingValue & (1UL << (_depth - 1))) == 0;

    private readonly bool IsDictionary(int level) => (_dictionaryLevels & (1UL << level)) != 0;

    private void Open(byte token, bool dictionary)
    {
        BeginValue(isKey: false);
        Expect(token);
        if (_depth >= Math.Min(_options.MaxDepth, MaxSupportedDepth)) throw Error(BencodeError.DepthExceeded, _position - 1);
        int level = _depth++;
        if (dictionary) _dictionaryLevels |= 1UL << level; else _dictionaryLevels &= ~(1UL << level);
        _awaitingValue &= ~(1UL << level);
        _elementCounts[level] = 0;
        _lastKeyLengths[level] = -1;
    }

    private void BeginValue(bool isKey)
    {
        if (++_values > _options.MaxValues) throw Error(BencodeError.TooManyValues, _position);
        if (_depth == 0)
        {
            if (_position >= _data.Length) throw Error(BencodeError.UnexpectedEnd, _position);
            return;
        }
        if (_position >= _data.Length) throw Error(BencodeError.UnexpectedEnd, _position);
        int level = _depth - 1;
        if (IsDictionary(level) && !isKey && (_awaitingValue & (1UL << level)) == 0)
            throw Error(BencodeError.UnexpectedType, _position, "dictionary key must be a string");
        if (!isKey && !IsDictionary(level) || isKey)
        {
            if (++_elementCounts[level] > _options.MaxElements) throw Error(BencodeError.TooManyElements, _position);
        }
    }

    private void EndValue(bool wasKey = false)
    {
        if (_depth == 0) return;
        int level = _depth - 1;
        if (!IsDictionary(level)) return;
        if (wasKey) _awaitingValue |= 1UL << level;
        else _awaitingValue &= ~(1UL << level);
    }

    private void CheckKeyOrder(int tokenStart, int keyStart, int keyLength)
    {
        if (!_options.IsStrict) return;
        int level = _depth - 1;
        int lastStart = _lastKeyStarts[level], lastLength = _lastKeyLengths[level];
        if (lastLength >= 0)
        {
            int cmp = _data.Slice(lastStart, lastLength).SequenceCompareTo(_data.Slice(keyStart, keyLength));
            if (cmp == 0) throw Error(BencodeError.DuplicateKey, tokenStart);
            if (cmp > 0) throw Error(BencodeError.UnsortedKeys, tokenStart);
        }
        _lastKeyStarts[level] = keyStart;
        _lastKeyLengths[level] = keyLength;
    }

    private int ReadLength()
    {
        int start = _position;
        long length = 0;
        while (true)
        {
            if (_position >= _data.Length) throw Error(BencodeError.UnexpectedEnd, _position);
            byte b = _data[_position];
            if (b == (byte)':') break;
            if (b < (byte)'0' || b > (byte)'9') throw Error(BencodeError.InvalidToken, _position);
            length = length * 10 + (b - '0');
            if (length > int.MaxValue) throw Error(BencodeError.IntegerOverflow, start);
            _position++;
        }
        if (_position == start) throw Error(BencodeError.InvalidToken, _position);
        if (_options.IsStrict && _position - start > 1 && _data[start] == (byte)'0') throw Error(BencodeError.LeadingZero, start);
        if (length > _options.MaxStringLength) throw Error(BencodeError.StringTooLong, start, $"{length} bytes");
        _position++; // ':'
        return (int)length;
    }

    private void Expect(byte token)
    {
        if (_position >= _data.Length) throw Error(BencodeError.UnexpectedEnd, _position);
        if (_data[_position] != token) throw Error(BencodeError.UnexpectedType, _position, $"expected '{(char)token}'");
        _position++;
    }

    private readonly BencodeException Error(BencodeError error, int position, string? detail = null) =>
        new(error, _baseOffset + position, detail);
}

/// <summary>One int per nesting level, stored inline so a reader allocates nothing.</summary>
[System.Runtime.CompilerServices.InlineArray(64)]
internal struct LevelInts
{
    private int _element0;
}
