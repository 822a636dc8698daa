using System.Net;
using System.Net.Sockets;

namespace BitTorrent.Dht.Security;

/// <summary>BEP 42: node ids derived from the node's external IP address.</summary>
public static class NodeIdSecurity
{
    private static ReadOnlySpan<byte> V4Mask => [0x03, 0x0f, 0x3f, 0xff];
    private static ReadOnlySpan<byte> V6Mask => [0x01, 0x03, 0x07, 0x0f, 0x1f, 0x3f, 0x7f, 0xff];

    /// <summary>Creates a BEP 42 id for <paramref name="address"/>: the CRC32C prefix, random middle bytes, and r as the last byte.</summary>
    public static NodeId CreateId(IPAddress address, Random random)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> id = stackalloc byte[NodeId.Length];
        random.NextBytes(id);
        byte r = id[19];
        uint crc = Prefix(address, r);
        id[0] = (byte)(crc >> 24);
        id[1] = (byte)(crc >> 16);
        id[2] = (byte)(((crc >> 8) & 0xf8) | (uint)(id[2] & 0x07));
        return new NodeId(id);
    }

    /// <summary>True when the first 21 bits of <paramref name="id"/> match the CRC32C of <paramref name="address"/> and id[19].</summary>
    public static bool IsValid(in NodeId id, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var span = id.Span;
        uint crc = Prefix(address, span[19]);
        return span[0] == (byte)(crc >> 24) && span[1] == (byte)(crc >> 16) && (span[2] & 0xf8) == (byte)((crc >> 8) & 0xf8);
    }

    /// <summary>True for addresses BEP 42 exempts (loopback, private and link-local ranges).</summary>
    public static bool IsExempt(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (IPAddress.IsLoopback(address)) return true;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254);
        }
        return address.IsIPv6LinkLocal || address.IsIPv6UniqueLocal || address.IsIPv6SiteLocal;
    }

    private static uint Prefix(IPAddress address, byte r)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out int written);
        var mask = written == 4 ? V4Mask : V6Mask;
        var masked = bytes[..mask.Length];
        for (int i = 0; i < mask.Length; i++)
        {
            masked[i] &= mask[i];
        }
        masked[0] |= (byte)((r & 0x07) << 5);
        return Crc32C.Compute(masked);
    }
}
