using System.Net;
using BitTorrent.Wire;

namespace BitTorrent.Client.Transport;

/// <summary>An accepted connection, ready for its wire to start.</summary>
/// <param name="wire">The unstarted wire (over the decrypting and encrypting pipe when MSE selected RC4).</param>
/// <param name="remote">The peer's address.</param>
/// <param name="mseInfoHash">The torrent an MSE handshake named (its SKEY); null for a plain BitTorrent connection.</param>
internal delegate void PeerAccepted(Wire.Wire wire, IPEndPoint remote, InfoHash? mseInfoHash);

/// <summary>
/// How the engine reaches peers and is reached by them: TCP (<see cref="TcpPeerTransport"/>, with MSE under the
/// engine's encryption policy) or an in-memory network in tests. It creates the wires; the engine handshakes them.
/// </summary>
internal interface IPeerTransport : IAsyncDisposable
{
    /// <summary>The addresses we accept connections on (empty before <see cref="StartAsync"/>).</summary>
    IReadOnlyList<IPEndPoint> LocalEndPoints { get; }

    /// <summary>Starts accepting; each accepted connection becomes an unstarted wire handed to <paramref name="accepted"/>.</summary>
    Task StartAsync(PeerAccepted accepted, CancellationToken cancellationToken);

    /// <summary>
    /// Connects to <paramref name="remote"/> for <paramref name="infoHash"/> and returns an unstarted wire.
    /// <paramref name="handshake"/> is the BitTorrent handshake the engine will write first on that wire (an encrypting
    /// transport sends it as MSE's initial payload and drops the wire's copy).
    /// </summary>
    ValueTask<Wire.Wire> ConnectAsync(IPEndPoint remote, InfoHash infoHash, ReadOnlyMemory<byte> handshake, WireOptions options,
        CancellationToken cancellationToken);

    /// <summary>The options incoming wires are created with.</summary>
    WireOptions IncomingOptions { get; set; }
}
