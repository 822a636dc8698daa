namespace BitTorrent.Dht.Krpc;

/// <summary>
/// One KRPC message, as decoded (every span is a slice of the datagram: no copies) or as built for encoding.
/// Query arguments (<c>a</c>) and response values (<c>r</c>) share the same fields; an empty span means "absent".
/// </summary>
public ref struct KrpcMessage
{
    /// <summary>The message kind (<c>y</c>).</summary>
    public KrpcMessageType Type { get; set; }

    /// <summary>The transaction id (<c>t</c>).</summary>
    public ReadOnlySpan<byte> TransactionId { get; set; }

    /// <summary>The query method (<c>q</c>), for queries.</summary>
    public KrpcMethod Method { get; set; }

    /// <summary>The raw method name, for queries (kept for unknown methods).</summary>
    public ReadOnlySpan<byte> MethodName { get; set; }

    /// <summary>The client version (<c>v</c> at the top level).</summary>
    public ReadOnlySpan<byte> Version { get; set; }

    /// <summary>BEP 42: the compact address of the requester as seen by the responder (<c>ip</c>).</summary>
    public ReadOnlySpan<byte> RequesterIp { get; set; }

    /// <summary>BEP 43: the sender is a read-only node (<c>ro</c> = 1).</summary>
    public bool ReadOnly { get; set; }

    /// <summary>The sender's node id (<c>id</c>).</summary>
    public ReadOnlySpan<byte> Id { get; set; }

    /// <summary><c>target</c> (find_node, get, sample_infohashes).</summary>
    public ReadOnlySpan<byte> Target { get; set; }

    /// <summary><c>info_hash</c> (get_peers, announce_peer).</summary>
    public ReadOnlySpan<byte> InfoHash { get; set; }

    /// <summary><c>token</c>.</summary>
    public ReadOnlySpan<byte> Token { get; set; }

    /// <summary><c>port</c> (announce_peer).</summary>
    public long? Port { get; set; }

    /// <summary><c>implied_port</c> (announce_peer); null when absent.</summary>
    public long? ImpliedPort { get; set; }

    /// <summary><c>nodes</c>: compact IPv4 node info, 26 bytes each.</summary>
    public ReadOnlySpan<byte> Nodes { get; set; }

    /// <summary><c>nodes6</c>: compact IPv6 node info, 38 bytes each (BEP 32).</summary>
    public ReadOnlySpan<byte> Nodes6 { get; set; }

    /// <summary><c>values</c>: the raw bencoded list of compact peers (read it with <see cref="KrpcValues"/>).</summary>
    public ReadOnlySpan<byte> Values { get; set; }

    /// <summary><c>want</c> (BEP 32).</summary>
    public KrpcWant Want { get; set; }

    /// <summary>BEP 44 <c>v</c>: the raw bencoded value.</summary>
    public ReadOnlySpan<byte> Value { get; set; }

    /// <summary>BEP 44 <c>k</c>: the 32-byte ed25519 public key.</summary>
    public ReadOnlySpan<byte> Key { get; set; }

    /// <summary>BEP 44 <c>sig</c>: the 64-byte ed25519 signature.</summary>
    public ReadOnlySpan<byte> Signature { get; set; }

    /// <summary>BEP 44 <c>salt</c>.</summary>
    public ReadOnlySpan<byte> Salt { get; set; }

    /// <summary>BEP 44 <c>seq</c>.</summary>
    public long? Sequence { get; set; }

    /// <summary>BEP 44 <c>cas</c>.</summary>
    public long? Cas { get; set; }

    /// <summary>BEP 51 <c>interval</c>.</summary>
    public long? Interval { get; set; }

    /// <summary>BEP 51 <c>num</c>.</summary>
    public long? Num { get; set; }

    /// <summary>BEP 51 <c>samples</c>: concatenated 20-byte info hashes.</summary>
    public ReadOnlySpan<byte> Samples { get; set; }

    /// <summary>The error code (<c>e[0]</c>), for errors.</summary>
    public long ErrorCode { get; set; }

    /// <summary>The error message (<c>e[1]</c>), for errors.</summary>
    public ReadOnlySpan<byte> ErrorMessage { get; set; }
}
