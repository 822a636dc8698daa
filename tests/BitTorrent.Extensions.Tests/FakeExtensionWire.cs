using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Extensions.Tests;

/// <summary>A scripted stand-in for the wire: records what the extension sends and lets the test play the peer.</summary>
internal sealed class FakeExtensionWire : IExtensionWire
{
    public FakeExtensionWire(FakeTimeProvider? time = null)
        : this((TimeProvider)(time ?? new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"))))
    {
    }

    public FakeExtensionWire(TimeProvider clock) => TimeProvider = clock;

    /// <summary>The clock as a <see cref="FakeTimeProvider"/> (every test but the wall-clock-step one uses one).</summary>
    public FakeTimeProvider Time => (FakeTimeProvider)TimeProvider;
    public TimeProvider TimeProvider { get; }
    public bool IsClosed { get; private set; }
    public List<IPEndPoint> Own { get; } = [];
    public IReadOnlyCollection<IPEndPoint> OwnEndPoints => Own;
    public InfoHash? InfoHash { get; set; }
    public bool HasFast { get; set; }
    public int PeerPieceCount { get; set; }
    public HashSet<string> PeerExtensions { get; } = [];
    public HashSet<int> PeerPieces { get; } = [];
    public List<(string Name, byte[] Payload)> Sent { get; } = [];
    public string? CloseMessage { get; private set; }
    public Dictionary<string, long> HandshakeValues { get; } = [];
    public List<int> FailedPieces { get; } = [];
    public int PendingRequestsPerPiece { get; set; } = 1;

    /// <summary>Makes sends fail as if the wire closed (or the peer unmapped the extension) right after the check.</summary>
    public bool ThrowOnSend { get; set; }

    /// <summary>Called for every message sent (e.g. to hand it to the other side's extension).</summary>
    public Action<string, byte[]>? OnSend { get; set; }

    public event EventHandler? Closed;
    public event EventHandler? ExtendedHandshakeReceived;

    public bool PeerSupportsExtension(string name) => PeerExtensions.Contains(name);

    public void SendExtended(string name, ReadOnlySpan<byte> payload)
    {
        if (IsClosed || ThrowOnSend) throw new InvalidOperationException("closed");
        if (!PeerSupportsExtension(name)) throw new InvalidOperationException("Unrecognized extension: " + name);
        var copy = payload.ToArray();
        Sent.Add((name, copy));
        OnSend?.Invoke(name, copy);
    }

    public void CloseForViolation(string message)
    {
        CloseMessage = message;
        Close();
    }

    public void Close()
    {
        if (IsClosed) return;
        IsClosed = true;
        Closed?.Invoke(this, EventArgs.Empty);
    }

    public void SetExtendedHandshakeValue(string key, long value) => HandshakeValues[key] = value;

    public bool PeerHasPiece(int index) => PeerPieces.Contains(index);

    public void ClearPeerPiece(int index) => PeerPieces.Remove(index);

    public int FailRequestsForDontHave(int index)
    {
        FailedPieces.Add(index);
        return PendingRequestsPerPiece;
    }

    /// <summary>Plays the peer's extended handshake (set <see cref="PeerExtensions"/> first).</summary>
    public void RaiseExtendedHandshake() => ExtendedHandshakeReceived?.Invoke(this, EventArgs.Empty);
}
