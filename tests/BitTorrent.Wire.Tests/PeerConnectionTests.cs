using System.IO.Pipelines;
using System.Net;

namespace BitTorrent.Wire.Tests;

public class PeerConnectionTests
{
    private sealed class Flag : IAsyncDisposable
    {
        public bool Disposed { get; private set; }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task A_wire_over_a_pipe_reports_what_the_connection_states()
    {
        var (a, b) = DuplexPipe.CreatePair();
        var remote = new IPEndPoint(IPAddress.Parse("10.0.0.7"), 6881);
        var local = new IPEndPoint(IPAddress.Parse("10.0.0.1"), 51413);
        await using var wire = new Wire(PeerConnection.FromPipe(a, ConnectionDirection.Outgoing, TransportKind.Utp, local, remote));
        Assert.Equal(new WireType(TransportKind.Utp, ConnectionDirection.Outgoing), wire.Type);
        Assert.Equal("utpOutgoing", wire.Type.ToString());
        Assert.Equal(remote, wire.RemoteEndPoint);
        Assert.Equal(local, wire.LocalEndPoint);
        await b.Output.CompleteAsync();
    }

    [Fact]
    public async Task A_wrapping_layer_keeps_the_endpoints_and_disposing_it_disposes_the_inner_connection()
    {
        var (a, _) = DuplexPipe.CreatePair();
        var owner = new Flag();
        var remote = new IPEndPoint(IPAddress.Loopback, 6881);
        var inner = PeerConnection.FromPipe(a, ConnectionDirection.Incoming, TransportKind.Tcp, remoteEndPoint: remote, owner: owner);
        var (layer, _) = DuplexPipe.CreatePair();
        var outer = inner.Wrap(layer);
        Assert.True(outer.IsEncrypted);
        Assert.False(inner.IsEncrypted);
        Assert.Equal(remote, outer.RemoteEndPoint);
        Assert.Equal("tcpIncoming", outer.Type.ToString());

        await using (var wire = new Wire(outer)) wire.Start();

        Assert.True(owner.Disposed);
        // The inner pipe's writer was completed by the inner connection's disposal.
        Assert.Throws<InvalidOperationException>(() => a.Output.GetMemory());
    }

    [Theory]
    [InlineData(TransportKind.Tcp, ConnectionDirection.Incoming, "tcpIncoming")]
    [InlineData(TransportKind.Tcp, ConnectionDirection.Outgoing, "tcpOutgoing")]
    [InlineData(TransportKind.Utp, ConnectionDirection.Incoming, "utpIncoming")]
    [InlineData(TransportKind.Utp, ConnectionDirection.Outgoing, "utpOutgoing")]
    public void WireType_text_is_the_seed_name(TransportKind kind, ConnectionDirection direction, string name) =>
        Assert.Equal(name, new WireType(kind, direction).ToString());
}
