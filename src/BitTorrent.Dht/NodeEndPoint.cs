using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace BitTorrent.Dht;

/// <summary>A compact IPv4 or IPv6 address and port (24 bytes, no heap objects), the form contacts are stored in.</summary>
public readonly struct NodeEndPoint : IEquatable<NodeEndPoint>
{
    // Two ulongs rather than a UInt128, which is 16-byte aligned and would make this struct 32 bytes.
    private readonly ulong _high;
    private readonly ulong _low;

    private NodeEndPoint(UInt128 address, ushort port, bool isIPv6)
    {
        _high = (ulong)(address >> 64);
        _low = (ulong)address;
        Port = port;
        IsIPv6 = isIPv6;
    }

    private UInt128 Bits => new(_high, _low);

    /// <summary>The UDP port.</summary>
    public ushort Port { get; }

    /// <summary>True for an IPv6 address.</summary>
    public bool IsIPv6 { get; }

    /// <summary>The compact length of the address (4 or 16).</summary>
    public int AddressLength => IsIPv6 ? 16 : 4;

    /// <summary>Converts an <see cref="IPEndPoint"/> (IPv4-mapped IPv6 addresses become IPv4).</summary>
    public static NodeEndPoint From(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out int written);
        return FromAddressBytes(bytes[..written], (ushort)endPoint.Port);
    }

    /// <summary>Builds an end point from 4 or 16 address bytes (network order) and a port.</summary>
    public static NodeEndPoint FromAddressBytes(ReadOnlySpan<byte> address, ushort port) => address.Length switch
    {
        4 => new NodeEndPoint(BinaryPrimitives.ReadUInt32BigEndian(address), port, false),
        16 => new NodeEndPoint(BinaryPrimitives.ReadUInt128BigEndian(address), port, true),
        _ => throw new ArgumentException("An address is 4 or 16 bytes.", nameof(address)),
    };

    /// <summary>The same address with another port.</summary>
    public NodeEndPoint WithPort(ushort port) => new(Bits, port, IsIPv6);

    /// <summary>Parses compact peer info (6 bytes IPv4 or 18 bytes IPv6, address then big-endian port).</summary>
    public static bool TryReadCompact(ReadOnlySpan<byte> compact, out NodeEndPoint endPoint)
    {
        if (compact.Length is not (6 or 18))
        {
            endPoint = default;
            return false;
        }
        int addressLength = compact.Length - 2;
        endPoint = FromAddressBytes(compact[..addressLength], BinaryPrimitives.ReadUInt16BigEndian(compact[addressLength..]));
        return true;
    }

    /// <summary>Writes the address bytes (4 or 16) and returns how many were written.</summary>
    public int WriteAddress(Span<byte> destination)
    {
        if (IsIPv6)
        {
            BinaryPrimitives.WriteUInt128BigEndian(destination, Bits);
            return 16;
        }
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)Bits);
        return 4;
    }

    /// <summary>Writes compact peer info (address then big-endian port) and returns its length (6 or 18).</summary>
    public int WriteCompact(Span<byte> destination)
    {
        int n = WriteAddress(destination);
        BinaryPrimitives.WriteUInt16BigEndian(destination[n..], Port);
        return n + 2;
    }

    /// <summary>The address family.</summary>
    public AddressFamily AddressFamily => IsIPv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;

    /// <summary>The address as an <see cref="IPAddress"/>.</summary>
    public IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[16];
        int n = WriteAddress(bytes);
        return new IPAddress(bytes[..n]);
    }

    /// <summary>The end point as an <see cref="IPEndPoint"/>.</summary>
    public IPEndPoint ToIPEndPoint() => new(ToIPAddress(), Port);

    /// <summary>The /24 (IPv4) or /64 (IPv6) network prefix, for one-node-per-subnet rules.</summary>
    public ulong SubnetKey => IsIPv6 ? (ulong)(Bits >> 64) : ((uint)Bits >> 8) | (1UL << 40);

    /// <summary>An opaque key identifying the address only (not the port).</summary>
    public UInt128 AddressKey => IsIPv6 ? Bits : Bits | ((UInt128)1 << 127);

    /// <summary>
    /// The key one sender is known by for rate limits and storage quotas: its IPv4 address, or its IPv6 /64 (one host
    /// commonly holds a whole /64, so single IPv6 addresses cost an attacker nothing). Loopback senders are told apart
    /// by port as well, so that several local nodes do not share one key.
    /// </summary>
    public UInt128 SourceKey => IsLoopback ? AddressKey ^ ((UInt128)Port << 80) : IsIPv6 ? Bits >> 64 << 64 : AddressKey;

    /// <summary>True for a loopback address (127.0.0.0/8 or ::1).</summary>
    public bool IsLoopback => IsIPv6 ? Bits == 1 : ((uint)Bits >> 24) == 127;

    /// <inheritdoc />
    public bool Equals(NodeEndPoint other) => _low == other._low && _high == other._high && Port == other.Port && IsIPv6 == other.IsIPv6;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is NodeEndPoint other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_low, _high, Port, IsIPv6);

    /// <summary>Equality.</summary>
    public static bool operator ==(NodeEndPoint left, NodeEndPoint right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(NodeEndPoint left, NodeEndPoint right) => !left.Equals(right);

    /// <summary>"address:port" (IPv6 in brackets).</summary>
    public override string ToString() => ToIPEndPoint().ToString();
}
