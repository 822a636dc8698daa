using System.Net;

namespace BitTorrent.Dht;

/// <summary>Receives one datagram.</summary>
public delegate void DatagramHandler(ReadOnlySpan<byte> datagram, IPEndPoint source);

/// <summary>The datagram transport beneath a DhtNode: UDP, or an in-memory network for simulation.</summary>
public interface IDhtTransport : IDisposable
{
    /// <summary>The local address datagrams are sent from and received on.</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>Sends one datagram; drops it (never throws) when the destination is unreachable.</summary>
    /// <remarks>
    /// The caller holds its node's lock while sending: deliver later (a queue, another thread, virtual time), never
    /// synchronously into the receiving node's handler from inside this call.
    /// </remarks>
    void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination);

    /// <summary>Starts delivering received datagrams to handler, one at a time (never concurrently).</summary>
    void Start(DatagramHandler handler);
}
