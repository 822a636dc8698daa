using System.Net;
using BitTorrent.Dht.Krpc;

namespace BitTorrent.Dht;

/// <summary>A peer found by a lookup (bittorrent-dht 'peer').</summary>
/// <param name="Peer">The peer's address.</param>
/// <param name="InfoHash">The torrent.</param>
/// <param name="From">The DHT node that returned it; null when it came from our own store.</param>
public sealed record DhtPeerEventArgs(IPEndPoint Peer, InfoHash InfoHash, IPEndPoint? From);

/// <summary>A node entered the routing table (bittorrent-dht 'node').</summary>
/// <param name="Id">Its id.</param>
/// <param name="EndPoint">Its address.</param>
public sealed record DhtNodeEventArgs(NodeId Id, IPEndPoint EndPoint);

/// <summary>A peer was stored in our peer store (bittorrent-dht 'announce').</summary>
/// <param name="Peer">The stored peer.</param>
/// <param name="InfoHash">The torrent.</param>
/// <param name="From">The announcing node; null for our own <see cref="DhtNodeOptions.Host"/> announce.</param>
public sealed record DhtAnnounceEventArgs(IPEndPoint Peer, InfoHash InfoHash, IPEndPoint? From);

/// <summary>A query was received (bittorrent-dht's 'find_node', 'get_peers', 'announce_peer', 'get', 'put').</summary>
/// <param name="Method">The method.</param>
/// <param name="Target">The target, info hash or item key, when the method has one.</param>
/// <param name="Source">The querier.</param>
public sealed record DhtQueryEventArgs(KrpcMethod Method, NodeId? Target, IPEndPoint Source);

/// <summary>A BEP 44 item was stored on this node (bittorrent-dht 'put').</summary>
/// <param name="Target">The item key.</param>
/// <param name="Item">The item.</param>
/// <param name="Source">The node that put it.</param>
public sealed record DhtItemStoredEventArgs(NodeId Target, DhtItem Item, IPEndPoint Source);

/// <summary>Kinds of non-fatal problems (bittorrent-dht 'warning').</summary>
public enum DhtWarningKind
{
    /// <summary>A datagram that is not a valid KRPC message was dropped.</summary>
    MalformedDatagram,
    /// <summary>A response or error whose transaction id matches no query in flight (or came from elsewhere).</summary>
    UnexpectedResponse,
    /// <summary>A responder's id differs from the id we expected.</summary>
    UnexpectedNodeId,
    /// <summary>An address exceeded the inbound rate and is now blocked.</summary>
    AddressBlocked,
    /// <summary>A bootstrap host name could not be resolved.</summary>
    BootstrapResolutionFailed,
    /// <summary>A bootstrap attempt ended with an empty routing table; it is retried after a growing pause (5 s to 1 min).</summary>
    BootstrapFailed,
    /// <summary>Entries of a restored <see cref="DhtState"/> were damaged and ignored.</summary>
    StateEntryIgnored,
    /// <summary>The socket reported a non-fatal receive error.</summary>
    SocketError,
    /// <summary>An unexpected internal failure while handling a datagram (the datagram was dropped).</summary>
    InternalError,
}

/// <summary>A non-fatal problem (bittorrent-dht 'warning').</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Message">A human-readable description.</param>
/// <param name="Source">The remote address involved, if any.</param>
public sealed record DhtWarningEventArgs(DhtWarningKind Kind, string Message, IPEndPoint? Source);

/// <summary>A fatal error (bittorrent-dht 'error'), for example the UDP port could not be bound.</summary>
/// <param name="Exception">The failure.</param>
public sealed record DhtErrorEventArgs(Exception Exception);
