using System.Net;
using System.Net.Sockets;
using BitTorrent.Client.Transport;
using BitTorrent.Wire;

namespace BitTorrent.Client.Tests.Simulation;

/// <summary>
/// An engine's <see cref="IPeerTransport"/> on a <see cref="SimulatedNetwork"/>: it listens on one fake address and
/// dials others by address through in-memory links. As over TCP, the accepting side sees the dialler's address with
/// an ephemeral port (the listen port arrives in the extended handshake), and dialling an address nobody listens on
/// is refused with a <see cref="SocketException"/>. Connections are plaintext (no MSE).
/// </summary>
internal sealed class SimulatedPeerTransport(SimulatedNetwork network, IPEndPoint endPoint) : IPeerTransport
{
    private PeerAccepted? _accepted;

    /// <summary>The address this host listens on.</summary>
    public IPEndPoint EndPoint { get; } = endPoint;

    public IReadOnlyList<IPEndPoint> LocalEndPoints => _accepted is null ? [] : [EndPoint];

    public WireOptions IncomingOptions { get; set; } = new();

    public Task StartAsync(PeerAccepted accepted, CancellationToken cancellationToken)
    {
        _accepted = accepted;
        network.Listen(this);
        return Task.CompletedTask;
    }

    public ValueTask<Wire.Wire> ConnectAsync(IPEndPoint remote, InfoHash infoHash, ReadOnlyMemory<byte> handshake, WireOptions options,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var listener = network.FindListener(remote) ?? throw new SocketException((int)SocketError.ConnectionRefused);
        var (outgoing, incoming, ephemeral, setWires) = network.Connect(this, listener);
        var ours = new Wire.Wire(PeerConnection.FromPipe(outgoing, ConnectionDirection.Outgoing, TransportKind.Tcp, ephemeral, remote), options);
        var theirs = new Wire.Wire(PeerConnection.FromPipe(incoming, ConnectionDirection.Incoming, TransportKind.Tcp, listener.EndPoint, ephemeral),
            listener.IncomingOptions);
        setWires(ours, theirs);
        listener._accepted?.Invoke(theirs, ephemeral, null);
        return ValueTask.FromResult(ours);
    }

    public ValueTask DisposeAsync()
    {
        network.Unlisten(this);
        _accepted = null;
        return ValueTask.CompletedTask;
    }
}
