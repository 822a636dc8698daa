using BitTorrent.Bencode;

namespace BitTorrent.Wire;

/// <summary>The peer's BEP 3 handshake.</summary>
public sealed class HandshakeEventArgs(InfoHash infoHash, PeerId peerId, WireExtensions extensions) : EventArgs
{
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

/// <summary>The peer's BEP 10 extended handshake, with typed accessors for the keys BEP 10 and BEP 9 define.</summary>
public sealed class ExtendedHandshake(BDictionary dictionary)
{
    /// <summary>The whole dictionary as received (unknown keys included).</summary>
    public BDictionary Dictionary { get; } = dictionary;

    /// <summary><c>m</c>: extension name to the peer's message id (0 = disabled).</summary>
    public IReadOnlyDictionary<string, long> M
    {
        get
        {
            var result = new Dictionary<string, long>();
            if (Dictionary.Get<BDictionary>("m") is { } m)
                foreach (var (key, value) in m)
                    if (value is BInteger id) result[key.Text] = id.Value;
            return result;
        }
    }

    /// <summary><c>v</c>: client name and version.</summary>
    public string? V => Dictionary.GetText("v");

    /// <summary><c>p</c>: the peer's TCP listen port.</summary>
    public int? P => Dictionary.GetInteger("p") is long p and > 0 and <= 65535 ? (int)p : null;

    /// <summary><c>reqq</c>: how many requests the peer queues.</summary>
    public long? Reqq => Dictionary.GetInteger("reqq");

    /// <summary><c>yourip</c>: our address as the peer sees it (4 or 16 bytes).</summary>
    public System.Net.IPAddress? YourIp =>
        Dictionary.GetBytes("yourip") is { Length: 4 or 16 } ip ? new System.Net.IPAddress(ip.Span) : null;

    /// <summary><c>metadata_size</c> (BEP 9).</summary>
    public long? MetadataSize => Dictionary.GetInteger("metadata_size");
}
