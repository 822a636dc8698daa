using System.IO.Pipelines;
using BitTorrent.Wire;

namespace BitTorrent.Encryption.Tests;

/// <summary>Two connected in-memory duplex pipes: what one writes, the other reads.</summary>
internal sealed class PipePair
{
    private sealed record Duplex(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    public PipePair()
    {
        var ab = new Pipe();
        var ba = new Pipe();
        A = new Duplex(ba.Reader, ab.Writer);
        B = new Duplex(ab.Reader, ba.Writer);
    }

    public IDuplexPipe A { get; }

    public IDuplexPipe B { get; }

    /// <summary>A's end as the outgoing connection.</summary>
    public PeerConnection ConnectionA => PeerConnection.FromPipe(A, ConnectionDirection.Outgoing);

    /// <summary>B's end as the incoming connection.</summary>
    public PeerConnection ConnectionB => PeerConnection.FromPipe(B, ConnectionDirection.Incoming);
}
