using System.Diagnostics.CodeAnalysis;


namespace BitTorrent;

/// <summary>A BitTorrent v1 info hash: the SHA-1 of the bencoded info dictionary (20 bytes).</summary>
public readonly struct InfoHash : IEquatable<InfoHash>, ISpanFormattable
{
    private readonly Id20Bytes _bytes;

    /// <summary>Copies 20 bytes.</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 20 bytes long.</exception>
    public InfoHash(ReadOnlySpan<byte> bytes) => _bytes = Id20.FromSpan(bytes, nameof(bytes));

    /// <summary>The length in bytes (20).</summary>
    public const int Length = 20;

    /// <summary>The 20 bytes (a view of this value's own storage).</summary>
    [UnscopedRef]
    public ReadOnlySpan<byte> Span => _bytes;

    /// <summary>Copies the 20 bytes to <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination) => ((ReadOnlySpan<byte>)_bytes).CopyTo(destination);

    /// <summary>A copy of the 20 bytes.</summary>
    public byte[] ToArray() => ((ReadOnlySpan<byte>)_bytes).ToArray();

    /// <summary>Parses 40 hex digits (either case).</summary>
    /// <exception cref="FormatException">Not 40 hex digits.</exception>
    public static InfoHash Parse(string hex) =>
        TryParse(hex, out var value) ? value : throw new FormatException($"info hash must be 40 hex digits: '{hex}'");

    /// <summary>Tries to parse 40 hex digits.</summary>
    public static bool TryParse([NotNullWhen(true)] string? hex, out InfoHash value)
    {
        value = default;
        if (hex is null || !Id20.TryParseHex(hex, out var bytes)) return false;
        value = new InfoHash(bytes);
        return true;
    }

    /// <summary>The SHA-1 of <paramref name="bencodedInfo"/>.</summary>
    public static InfoHash FromInfoDictionary(ReadOnlySpan<byte> bencodedInfo)
    {
        Span<byte> hash = stackalloc byte[Length];
        System.Security.Cryptography.SHA1.HashData(bencodedInfo, hash);
        return new InfoHash(hash);
    }

    /// <summary>Lower-case hex.</summary>
    public override string ToString() => Convert.ToHexStringLower(_bytes);

    /// <inheritdoc />
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc />
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        charsWritten = 0;
        if (destination.Length < 40) return false;
        Convert.TryToHexStringLower(_bytes, destination, out charsWritten);
        return true;
    }

    /// <inheritdoc />
    public bool Equals(InfoHash other) => ((ReadOnlySpan<byte>)_bytes).SequenceEqual(other._bytes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is InfoHash other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => BitConverter.ToInt32(_bytes);

    /// <summary>Equality.</summary>
    public static bool operator ==(InfoHash left, InfoHash right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(InfoHash left, InfoHash right) => !left.Equals(right);
}
