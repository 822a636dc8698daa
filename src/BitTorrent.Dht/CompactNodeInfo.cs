namespace BitTorrent.Dht;

/// <summary>
/// Reads compact node info (BEP 5 <c>nodes</c>, BEP 32 <c>nodes6</c>): entries of a 20-byte node id, a 4- or 16-byte
/// address and a big-endian port, back to back; a trailing partial entry is ignored. Use it with <c>foreach</c>.
/// </summary>
internal ref struct CompactNodeInfo
{
    private readonly ReadOnlySpan<byte> _compact;
    private readonly int _addressLength;
    private int _offset;

    /// <summary>Reads <paramref name="compact"/> as IPv6 (<c>nodes6</c>) or IPv4 (<c>nodes</c>) entries.</summary>
    public CompactNodeInfo(ReadOnlySpan<byte> compact, bool ipv6)
    {
        _compact = compact;
        _addressLength = ipv6 ? 16 : 4;
        _offset = 0;
        Current = default;
    }

    /// <summary>The entry <see cref="MoveNext"/> last read.</summary>
    public (NodeId Id, NodeEndPoint EndPoint) Current { get; private set; }

    /// <summary>Returns this reader, for <c>foreach</c>.</summary>
    public readonly CompactNodeInfo GetEnumerator() => this;

    /// <summary>Reads the next whole entry; false at the end.</summary>
    public bool MoveNext()
    {
        int entry = NodeId.Length + _addressLength + 2;
        if (_offset + entry > _compact.Length)
        {
            return false;
        }
        var node = _compact.Slice(_offset, entry);
        ushort port = (ushort)((node[^2] << 8) | node[^1]);
        Current = (new NodeId(node[..NodeId.Length]), NodeEndPoint.FromAddressBytes(node.Slice(NodeId.Length, _addressLength), port));
        _offset += entry;
        return true;
    }
}
