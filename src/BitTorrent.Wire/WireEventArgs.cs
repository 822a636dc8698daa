namespace BitTorrent.Wire;

/// <summary>The peer's BEP 3 handshake.</summary>
public sealed class HandshakeEventArgs(InfoHash infoHash, PeerId peerId, WireExtensions extensions, ulong reserved = 0) : EventArgs
{
    /// <summary>
    /// All 8 reserved bytes as sent, big-endian (byte 0 is the most significant), including bits this wire does not
    /// act on: clients and crawlers identify peers by them.
    /// </summary>
    public ulong Reserved { get; } = reserved;

    /// <summary>The 8 reserved bytes in wire order (a copy).</summary>
    public byte[] ReservedBytes
    {
        get
        {
            var bytes = new byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, Reserved);
            return bytes;
        }
    }

    /// <summary>The info hash the peer named.</summary>
    public InfoHash InfoHash { get; } = infoHash;

    /// <summary>The peer's id.</summary>
    public PeerId PeerId { get; } = peerId;

    /// <summary>The peer's reserved-bit extensions.</summary>
    public WireExtensions Extensions { get; } = extensions;
}

/// <summary>A message carrying one piece index: have, suggest, allowed-fast.</summary>
public sealed class PieceIndexEventArgs(int index) : EventArgs
{
    /// <summary>The piece index.</summary>
    public int Index { get; } = index;
}

/// <summary>A message carrying a block triple: request, cancel, reject.</summary>
public sealed class BlockEventArgs(BlockRequest request) : EventArgs
{
    /// <summary>The block.</summary>
    public BlockRequest Request { get; } = request;
}

/// <summary>A piece message. <see cref="Data"/> is valid only during the event unless it was a requested block.</summary>
public sealed class PieceEventArgs(int index, int begin, ReadOnlyMemory<byte> data) : EventArgs
{
    /// <summary>The piece index.</summary>
    public int Index { get; } = index;

    /// <summary>The offset within the piece.</summary>
    public int Begin { get; } = begin;

    /// <summary>The block.</summary>
    public ReadOnlyMemory<byte> Data { get; } = data;
}

/// <summary>A bitfield message; the bits are in <see cref="Wire.PeerPieces"/>.</summary>
public sealed class BitfieldEventArgs(BitField bitField) : EventArgs
{
    /// <summary>The peer's pieces.</summary>
    public BitField BitField { get; } = bitField;
}

/// <summary>A port message (BEP 5).</summary>
public sealed class PortEventArgs(int port) : EventArgs
{
    /// <summary>The peer's DHT port.</summary>
    public int Port { get; } = port;
}

/// <summary>Payload bytes moved (piece payloads only), for <see cref="Wire.Upload"/> and <see cref="Wire.Download"/>.</summary>
public sealed class TransferEventArgs(int bytes) : EventArgs
{
    /// <summary>The number of payload bytes.</summary>
    public int Bytes { get; } = bytes;
}

/// <summary>An extended message (BEP 10) other than the handshake.</summary>
public sealed class ExtendedMessageEventArgs(byte id, string? name, ReadOnlyMemory<byte> payload) : EventArgs
{
    /// <summary>Our extended id the peer used.</summary>
    public byte Id { get; } = id;

    /// <summary>The extension name when the id is one of ours; null for an unknown id.</summary>
    public string? Name { get; } = name;

    /// <summary>The payload after the id byte (a copy).</summary>
    public ReadOnlyMemory<byte> Payload { get; } = payload;
}

/// <summary>The peer's extended handshake arrived.</summary>
public sealed class ExtendedHandshakeEventArgs(ExtendedHandshake handshake) : EventArgs
{
    /// <summary>The handshake.</summary>
    public ExtendedHandshake Handshake { get; } = handshake;
}

/// <summary>A message with an id this wire does not know.</summary>
public sealed class UnknownMessageEventArgs(byte id, ReadOnlyMemory<byte> payload) : EventArgs
{
    /// <summary>The message id.</summary>
    public byte Id { get; } = id;

    /// <summary>The payload after the id (a copy).</summary>
    public ReadOnlyMemory<byte> Payload { get; } = payload;
}

