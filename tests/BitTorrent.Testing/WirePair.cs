using BitTorrent.Wire;

namespace BitTorrent.Testing;

/// <summary>Two wires joined by a connection pair (in-memory pipes unless given), handshaken on request.</summary>
public sealed class WirePair : IAsyncDisposable
{
    private WirePair(global::BitTorrent.Wire.Wire a, global::BitTorrent.Wire.Wire b)
    {
        A = a;
        B = b;
    }

    /// <summary>The wire that handshakes first (outgoing).</summary>
    public global::BitTorrent.Wire.Wire A { get; }

    /// <summary>The wire that answers (incoming).</summary>
    public global::BitTorrent.Wire.Wire B { get; }

    /// <summary>Two wires over in-memory pipes.</summary>
    public static WirePair Create(WireOptions? optionsA = null, WireOptions? optionsB = null)
    {
        var (pa, pb) = DuplexPipe.CreatePair();
        return From(PeerConnection.FromPipe(pa, ConnectionDirection.Outgoing), PeerConnection.FromPipe(pb, ConnectionDirection.Incoming), optionsA, optionsB);
    }

    /// <summary>Two wires over the given connections.</summary>
    public static WirePair From(PeerConnection a, PeerConnection b, WireOptions? optionsA = null, WireOptions? optionsB = null) =>
        new(new global::BitTorrent.Wire.Wire(a, optionsA), new global::BitTorrent.Wire.Wire(b, optionsB));

    /// <summary>A handshakes first; B answers from its HandshakeReceived event. Waits for both extended handshakes.</summary>
    public async Task HandshakeAsync(InfoHash hash, PeerId idA, PeerId idB, WireExtensions a = WireExtensions.Fast, WireExtensions b = WireExtensions.Fast)
    {
        B.HandshakeReceived += (_, _) => B.Handshake(hash, idB, b);
        var extA = TestWait.Next<ExtendedHandshakeEventArgs>(h => A.ExtendedHandshakeReceived += h);
        var extB = TestWait.Next<ExtendedHandshakeEventArgs>(h => B.ExtendedHandshakeReceived += h);
        A.Start();
        B.Start();
        A.Handshake(hash, idA, a);
        await Task.WhenAll(extA, extB).Within();
    }

    /// <summary>Disposes both wires.</summary>
    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}
