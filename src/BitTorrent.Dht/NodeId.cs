using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace BitTorrent.Dht;

/// <summary>
/// A 160-bit DHT node id (also used for lookup targets and BEP 44 keys), compared by XOR distance. Storage, length
/// validation and hex parsing are those of <see cref="InfoHash"/> and <see cref="PeerId"/> (BitTorrent.Primitives'
/// Id20); this type adds the Kademlia operations.
/// </summary>
public readonly struct NodeId : IEquatable<NodeId>, ISpanFormattable
{
    /// <summary>The id length in bytes.</summary>
    public const int Length = 20;

    private readonly Id20Bytes _bytes;

    /// <summary>Creates an id from exactly 20 bytes.</summary>
    /// <exception cref="ArgumentException">The span is not 20 bytes long.</exception>
    public NodeId(ReadOnlySpan<byte> bytes) => _bytes = Id20.FromSpan(bytes, nameof(bytes));

    private NodeId(Id20Bytes bytes) => _bytes = bytes;

    /// <summary>The id bytes.</summary>
    [UnscopedRef]
    public ReadOnlySpan<byte> Span => _bytes;

    /// <summary>Copies the id into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination) => ((ReadOnlySpan<byte>)_bytes).CopyTo(destination);

    /// <summary>Returns a new array holding the id.</summary>
    public byte[] ToArray() => ((ReadOnlySpan<byte>)_bytes).ToArray();

    /// <summary>A uniformly random id drawn from <paramref name="random"/>.</summary>
    public static NodeId CreateRandom(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> bytes = stackalloc byte[Length];
        random.NextBytes(bytes);
        return new NodeId(bytes);
    }

    /// <summary>The id equal to an info hash (a lookup target).</summary>
    public static NodeId FromInfoHash(InfoHash infoHash) => new(infoHash.Span);

    /// <summary>This id as an info hash.</summary>
    public InfoHash ToInfoHash() => new(Span);

    /// <summary>Parses 40 hex digits.</summary>
    /// <exception cref="FormatException">The text is not 40 hex digits.</exception>
    public static NodeId Parse(string hex) =>
        TryParse(hex, out var id) ? id : throw new FormatException("A node id is 40 hex digits.");

    /// <summary>Parses 40 hex digits.</summary>
    public static bool TryParse([NotNullWhen(true)] string? hex, out NodeId id)
    {
        bool parsed = Id20.TryParseHex(hex, out var bytes);
        id = parsed ? new NodeId(bytes) : default;
        return parsed;
    }

    /// <summary>
    /// Compares the XOR distances of <paramref name="a"/> and <paramref name="b"/> to this id exactly on all 160 bits.
    /// Negative when <paramref name="a"/> is closer, positive when <paramref name="b"/> is closer, 0 when equal.
    /// </summary>
    public int CompareDistance(in NodeId a, in NodeId b) => CompareDistance(Span, a.Span, b.Span);

    /// <summary>Compares the XOR distances of two 20-byte ids to a target (see <see cref="CompareDistance(in NodeId, in NodeId)"/>).</summary>
    public static int CompareDistance(ReadOnlySpan<byte> target, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        for (int i = 0; i < Length; i += 4)
        {
            uint t = BinaryPrimitives.ReadUInt32BigEndian(target[i..]);
            uint da = t ^ BinaryPrimitives.ReadUInt32BigEndian(a[i..]);
            uint db = t ^ BinaryPrimitives.ReadUInt32BigEndian(b[i..]);
            if (da != db)
            {
                return da < db ? -1 : 1;
            }
        }
        return 0;
    }

    /// <summary>The number of leading bits this id shares with <paramref name="other"/> (160 when equal).</summary>
    public int CommonPrefixLength(in NodeId other)
    {
        ReadOnlySpan<byte> a = Span, b = other.Span;
        for (int i = 0; i < Length; i += 4)
        {
            uint x = BinaryPrimitives.ReadUInt32BigEndian(a[i..]) ^ BinaryPrimitives.ReadUInt32BigEndian(b[i..]);
            if (x != 0)
            {
                return i * 8 + System.Numerics.BitOperations.LeadingZeroCount(x);
            }
        }
        return Length * 8;
    }

    /// <summary>The XOR of two ids (the Kademlia distance).</summary>
    public static NodeId operator ^(in NodeId a, in NodeId b)
    {
        Span<byte> x = stackalloc byte[Length];
        for (int i = 0; i < Length; i++)
        {
            x[i] = (byte)(a._bytes[i] ^ b._bytes[i]);
        }
        return new NodeId(x);
    }

    /// <summary>Lower-case hex.</summary>
    public override string ToString() => Convert.ToHexStringLower(_bytes);

    /// <inheritdoc />
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc />
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        if (destination.Length < 2 * Length)
        {
            charsWritten = 0;
            return false;
        }
        Convert.TryToHexStringLower(_bytes, destination, out charsWritten);
        return true;
    }

    /// <inheritdoc />
    public bool Equals(NodeId other) => ((ReadOnlySpan<byte>)_bytes).SequenceEqual(other._bytes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is NodeId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => BinaryPrimitives.ReadInt32LittleEndian(_bytes);

    /// <summary>Equality.</summary>
    public static bool operator ==(NodeId left, NodeId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(NodeId left, NodeId right) => !left.Equals(right);
}
