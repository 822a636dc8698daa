using System.Net;
using BitTorrent.Wire;

namespace BitTorrent.Client.Transport;

/// <summary>
/// How the engine reaches peers and is reached by them: TCP (<see cref="TcpPeerTransport"/>) or an in-memory network in
/// tests. It creates the wires; the engine handshakes them. An encrypting wrapper (MSE) or uTP plugs in here.
/// </summary>
internal interface IPeerTransport : IAsyncDisposable
{
    /// <summary>The addresses we accept connections on (empty before <see cref="StartAsync"/>).</summary>
    IReadOnlyList<IPEndPoint> LocalEndPoints { get; }

    /// <summary>Starts accepting; each accepted connection becomes an unstarted wire handed to <paramref name="accepted"/>.</summary>
    Task StartAsync(Action<Wire.Wire, IPEndPoint> accepted, CancellationToken cancellationToken);

    /// <summary>Connects to <paramref name="remote"/> and returns an unstarted wire.</summary>
    ValueTask<Wire.Wire> ConnectAsync(IPEndPoint remote, WireOptions options, CancellationToken cancellationToken);

    /// <summary>The options incoming wires are created with.</summary>
    WireOptions IncomingOptions { get; set; }
}
