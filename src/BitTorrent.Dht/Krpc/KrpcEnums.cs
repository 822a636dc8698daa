namespace BitTorrent.Dht.Krpc;

/// <summary>The KRPC message kind, the <c>y</c> key.</summary>
public enum KrpcMessageType
{
    /// <summary><c>y = q</c>.</summary>
    Query,
    /// <summary><c>y = r</c>.</summary>
    Response,
    /// <summary><c>y = e</c>.</summary>
    Error,
}

/// <summary>The KRPC query methods this node knows (the <c>q</c> key).</summary>
public enum KrpcMethod
{
    /// <summary>A method this node does not implement (answered with 204).</summary>
    Unknown,
    /// <summary>BEP 5 <c>ping</c>.</summary>
    Ping,
    /// <summary>BEP 5 <c>find_node</c>.</summary>
    FindNode,
    /// <summary>BEP 5 <c>get_peers</c>.</summary>
    GetPeers,
    /// <summary>BEP 5 <c>announce_peer</c>.</summary>
    AnnouncePeer,
    /// <summary>BEP 44 <c>get</c>.</summary>
    Get,
    /// <summary>BEP 44 <c>put</c>.</summary>
    Put,
    /// <summary>BEP 51 <c>sample_infohashes</c>.</summary>
    SampleInfohashes,
}

/// <summary>The address families a querier asks for (BEP 32 <c>want</c>).</summary>
[Flags]
public enum KrpcWant
{
    /// <summary>No <c>want</c> key: the family of the query's transport.</summary>
    None = 0,
    /// <summary><c>n4</c>: IPv4 nodes in <c>nodes</c>.</summary>
    N4 = 1,
    /// <summary><c>n6</c>: IPv6 nodes in <c>nodes6</c>.</summary>
    N6 = 2,
}

/// <summary>KRPC error codes (BEP 5 and BEP 44).</summary>
public static class KrpcErrorCode
{
    /// <summary>201 Generic Error.</summary>
    public const int Generic = 201;
    /// <summary>202 Server Error.</summary>
    public const int Server = 202;
    /// <summary>203 Protocol Error (malformed packet, invalid arguments, bad token).</summary>
    public const int Protocol = 203;
    /// <summary>204 Method Unknown.</summary>
    public const int MethodUnknown = 204;
    /// <summary>205 Message (v) too big (BEP 44).</summary>
    public const int MessageTooBig = 205;
    /// <summary>206 Invalid signature (BEP 44).</summary>
    public const int InvalidSignature = 206;
    /// <summary>207 Salt too big (BEP 44).</summary>
    public const int SaltTooBig = 207;
    /// <summary>301 CAS mismatch, re-read and try again (BEP 44).</summary>
    public const int CasMismatch = 301;
    /// <summary>302 Sequence number less than current (BEP 44).</summary>
    public const int SequenceNumberTooLow = 302;
}

/// <summary>Why a received datagram was dropped.</summary>
public enum KrpcDecodeError
{
    /// <summary>Decoded successfully.</summary>
    None,
    /// <summary>The datagram is empty.</summary>
    Empty,
    /// <summary>The datagram is larger than the configured maximum.</summary>
    TooLarge,
    /// <summary>The bytes are not valid bencode, or exceed the bencode limits.</summary>
    InvalidBencode,
    /// <summary>The top-level value is not a dictionary.</summary>
    NotADictionary,
    /// <summary>A known key has a value of the wrong type.</summary>
    InvalidFieldType,
    /// <summary>There is no <c>t</c> key, or it is empty or too long.</summary>
    InvalidTransactionId,
    /// <summary>There is no <c>y</c> key, or it is not q, r or e.</summary>
    InvalidMessageType,
    /// <summary>A query without <c>q</c> or <c>a</c>.</summary>
    MissingQueryFields,
    /// <summary>A response without <c>r</c>.</summary>
    MissingResponse,
    /// <summary>An error without a well-formed <c>e</c> list.</summary>
    MalformedError,
    /// <summary>A query or response without a 20-byte <c>id</c>.</summary>
    InvalidNodeId,
}
