using System.Net;

namespace BitTorrent.Dht;

/// <summary>
/// The node's events. Each is raised through the node's dispatcher: after the node's lock is released, one at a time
/// and in order, on a thread-pool thread, never on the thread that received the datagram, fired the timer or called
/// the method that caused it. A handler may call back into the node. A handler that throws is logged (the node and
/// later events go on); one that blocks delays only later events; at most <see cref="DhtNodeOptions.MaxQueuedEvents"/>
/// wait, further ones are dropped (counted in <see cref="DhtStats.EventsDropped"/>).
/// </summary>
public sealed partial class DhtNode
{
    private readonly DhtEventDispatcher _events;

    /// <summary>The bootstrap traversal finished (once).</summary>
    public event EventHandler? Ready;

    /// <summary>The transport started.</summary>
    public event EventHandler? Listening;

    /// <summary>A lookup found a peer.</summary>
    public event EventHandler<DhtPeerEventArgs>? PeerFound;

    /// <summary>A node entered the routing table.</summary>
    public event EventHandler<DhtNodeEventArgs>? NodeAdded;

    /// <summary>A peer was stored in our peer store.</summary>
    public event EventHandler<DhtAnnounceEventArgs>? Announced;

    /// <summary>A query was received and accepted.</summary>
    public event EventHandler<DhtQueryEventArgs>? QueryReceived;

    /// <summary>A BEP 44 item was stored on this node.</summary>
    public event EventHandler<DhtItemStoredEventArgs>? ItemStored;

    /// <summary>A non-fatal problem.</summary>
    public event EventHandler<DhtWarningEventArgs>? Warning;

    /// <summary>The node was disposed and its transport closed (bittorrent-dht 'close'); the last event the node raises.</summary>
    public event EventHandler? Closed;

    /// <summary>A fatal error (the socket could not be bound).</summary>
    public event EventHandler<DhtErrorEventArgs>? Error;

    /// <summary>Queues <paramref name="handler"/> (the subscribers at this moment) to be raised; nothing is queued without subscribers.</summary>
    private void Raise<T>(EventHandler<T>? handler, T args)
    {
        if (handler is not null)
        {
            _events.Post(() => handler(this, args));
        }
    }

    private void Raise(EventHandler? handler)
    {
        if (handler is not null)
        {
            _events.Post(() => handler(this, EventArgs.Empty));
        }
    }

    /// <summary>Completes once every event queued so far has been raised (tests use it to observe events deterministically).</summary>
    internal Task WhenEventsRaisedAsync() => _events.WhenIdleAsync();

    internal void RaisePeerFound(IPEndPoint peer, InfoHash infoHash, IPEndPoint from) =>
        Raise(PeerFound, new DhtPeerEventArgs(peer, infoHash, from));
}
