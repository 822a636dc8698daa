using System.Diagnostics.CodeAnalysis;


namespace BitTorrent;

/// <summary>A peer id (BEP 3, 20 bytes), conventionally Azureus-style: "-XX1234-" followed by 12 random bytes.</summary>
public readonly struct PeerId : IEquatable<PeerId>, ISpanFormattable
{
    private readonly Id20Bytes _bytes;

    /// <summary>Copies 20 bytes.</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 20 bytes long.</exception>
    public PeerId(ReadOnlySpan<byte> bytes) => _bytes = Id20.FromSpan(bytes, nameof(bytes));

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
    public static PeerId Parse(string hex) =>
        TryParse(hex, out var value) ? value : throw new FormatException($"peer id must be 40 hex digits: '{hex}'");

    /// <summary>Tries to parse 40 hex digits.</summary>
    public static bool TryParse([NotNullWhen(true)] string? hex, out PeerId value)
    {
        value = default;
        if (hex is null || !Id20.TryParseHex(hex, out var bytes)) return false;
        value = new PeerId(bytes);
        return true;
    }

    /// <summary>Our client's peer id prefix (Azureus style): "-BN0001-" for BitTorrent for .NET 0.0.0.1.</summary>
    public const string ClientPrefix = "-BN0001-";

    /// <summary>A new random peer id starting with <paramref name="prefix"/> (at most 20 ASCII characters).</summary>
    public static PeerId CreateRandom(string prefix = ClientPrefix)
    {
        if (prefix.Length > Length) throw new ArgumentException("prefix longer than 20 bytes", nameof(prefix));
        Span<byte> bytes = stackalloc byte[Length];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        System.Text.Encoding.ASCII.GetBytes(prefix, bytes);
        return new PeerId(bytes);
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
    public bool Equals(PeerId other) => ((ReadOnlySpan<byte>)_bytes).SequenceEqual(other._bytes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PeerId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => BitConverter.ToInt32(_bytes);

    /// <summary>Equality.</summary>
    public static bool operator ==(PeerId left, PeerId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(PeerId left, PeerId right) => !left.Equals(right);
}
