using System.Buffers.Binary;

namespace BitTorrent.Wire;

/// <summary>Encodes peer wire messages into spans. Every method returns the number of bytes written.</summary>
public static class MessageWriter
{
    /// <summary>"BitTorrent protocol", the BEP 3 protocol string.</summary>
    public static ReadOnlySpan<byte> ProtocolName => "BitTorrent protocol"u8;

    /// <summary>The length of a handshake: 1 + 19 + 8 + 20 + 20.</summary>
    public const int HandshakeLength = 68;

    /// <summary>Writes the 68-byte handshake with the reserved bits for <paramref name="extensions"/>.</summary>
    public static int WriteHandshake(Span<byte> destination, InfoHash infoHash, PeerId peerId, WireExtensions extensions)
    {
        destination[0] = 19;
        ProtocolName.CopyTo(destination[1..]);
        var reserved = destination.Slice(20, 8);
        reserved.Clear();
        if (extensions.HasFlag(WireExtensions.Extended)) reserved[5] |= 0x10;
        if (extensions.HasFlag(WireExtensions.Fast)) reserved[7] |= 0x04;
        if (extensions.HasFlag(WireExtensions.Dht)) reserved[7] |= 0x01;
        infoHash.CopyTo(destination.Slice(28, 20));
        peerId.CopyTo(destination.Slice(48, 20));
        return HandshakeLength;
    }

    /// <summary>Reads the extension bits from the 8 reserved bytes.</summary>
    public static WireExtensions ReadReserved(ReadOnlySpan<byte> reserved)
    {
        var result = WireExtensions.None;
        if ((reserved[5] & 0x10) != 0) result |= WireExtensions.Extended;
        if ((reserved[7] & 0x04) != 0) result |= WireExtensions.Fast;
        if ((reserved[7] & 0x01) != 0) result |= WireExtensions.Dht;
        return result;
    }

    /// <summary>Writes a keep-alive (four zero bytes).</summary>
    public static int WriteKeepAlive(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, 0);
        return 4;
    }

    /// <summary>Writes a message with no payload: choke, unchoke, interested, not interested, have-all, have-none.</summary>
    public static int WriteEmpty(Span<byte> destination, MessageId id)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, 1);
        destination[4] = (byte)id;
        return 5;
    }

    /// <summary>Writes a message carrying one piece index: have, suggest, allowed-fast.</summary>
    public static int WriteIndex(Span<byte> destination, MessageId id, int index)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, 5);
        destination[4] = (byte)id;
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], (uint)index);
        return 9;
    }

    /// <summary>Writes a message carrying a block triple: request, cancel, reject.</summary>
    public static int WriteBlock(Span<byte> destination, MessageId id, BlockRequest block)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, 13);
        destination[4] = (byte)id;
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], (uint)block.Index);
        BinaryPrimitives.WriteUInt32BigEndian(destination[9..], (uint)block.Begin);
        BinaryPrimitives.WriteUInt32BigEndian(destination[13..], (uint)block.Length);
        return 17;
    }

    /// <summary>Writes the 13-byte header of a piece message whose block of <paramref name="blockLength"/> bytes follows.</summary>
    public static int WritePieceHeader(Span<byte> destination, int index, int begin, int blockLength)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)(9 + blockLength));
        destination[4] = (byte)MessageId.Piece;
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], (uint)index);
        BinaryPrimitives.WriteUInt32BigEndian(destination[9..], (uint)begin);
        return 13;
    }

    /// <summary>Writes the 5-byte header of a message of <paramref name="payloadLength"/> bytes (bitfield, extended, ...).</summary>
    public static int WriteHeader(Span<byte> destination, MessageId id, int payloadLength)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)(1 + payloadLength));
        destination[4] = (byte)id;
        return 5;
    }

    /// <summary>Writes a port message (BEP 5).</summary>
    public static int WritePort(Span<byte> destination, ushort port)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, 3);
        destination[4] = (byte)MessageId.Port;
        BinaryPrimitives.WriteUInt16BigEndian(destination[5..], port);
        return 7;
    }
}
