using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Extensions.Tests;

/// <summary>Two ut_pex instances whose fake wires deliver each other's messages synchronously.</summary>
internal sealed class PexPair
{
    public static IPEndPoint V4(int i, int port = 6881) => new(new IPAddress([10, 0, (byte)(i >> 8), (byte)i]), port);
    public static IPEndPoint V6(int i, int port = 6881) => new(IPAddress.Parse($"2001:db8::{i:x}"), port);

    public PexPair(UtPexOptions? receiverOptions = null, bool peerSupportsPex = true, UtPexOptions? senderOptions = null)
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        WireA = new FakeExtensionWire(time);
        WireB = new FakeExtensionWire(time);
        if (peerSupportsPex) WireA.PeerExtensions.Add(ExtensionNames.UtPex);
        WireB.PeerExtensions.Add(ExtensionNames.UtPex);
        A = new UtPex(WireA, senderOptions);
        B = new UtPex(WireB, receiverOptions);
        WireA.OnSend = (_, payload) => B.OnMessage(payload);
        WireB.OnSend = (_, payload) => A.OnMessage(payload);
        foreach (var (pex, log) in new[] { (A, LogA), (B, LogB) })
        {
            pex.PeerAdded += (_, e) => log.Added.Add(e);
            pex.PeerDropped += (_, e) => log.Dropped.Add(e);
            pex.Warning += (_, e) => log.Warnings.Add(e.Message);
        }
    }

    public FakeExtensionWire WireA { get; }
    public FakeExtensionWire WireB { get; }
    public UtPex A { get; }
    public UtPex B { get; }
    public PexLog LogA { get; } = new();
    public PexLog LogB { get; } = new();
    public FakeTimeProvider Time => WireA.Time;
}

internal sealed class PexLog
{
    public List<PexPeerEventArgs> Added { get; } = [];
    public List<PexPeerEventArgs> Dropped { get; } = [];
    public List<string> Warnings { get; } = [];
}
