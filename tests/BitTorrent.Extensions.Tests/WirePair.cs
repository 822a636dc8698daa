using System.IO.Pipelines;
using BitTorrent.Wire;
using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Extensions.Tests;

/// <summary>Two wires joined by in-memory pipes, sharing a fake clock.</summary>
internal sealed class WirePair : IAsyncDisposable
{
    public static readonly InfoHash DefaultHash = InfoHash.Parse("0123456789abcdef0123456789abcdef01234567");

    private WirePair(Wire.Wire a, Wire.Wire b, FakeTimeProvider time, InfoHash hash)
    {
        Hash = hash;
        A = a;
        B = b;
        Time = time;
    }

    public Wire.Wire A { get; }
    public Wire.Wire B { get; }
    public FakeTimeProvider Time { get; }
    public InfoHash Hash { get; }

    public static WirePair Create(FakeTimeProvider? time = null, InfoHash? hash = null, int? pieceCount = null)
    {
        time ??= new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var ab = new Pipe();
        var ba = new Pipe();
        // The tests advance the shared fake clock by minutes between messages: no inactivity timeout.
        var options = new WireOptions { TimeProvider = time, PieceCount = pieceCount, InactivityTimeout = null };
        var a = new Wire.Wire(new Duplex(ba.Reader, ab.Writer), options);
        var b = new Wire.Wire(new Duplex(ab.Reader, ba.Writer), options);
        return new WirePair(a, b, time, hash ?? DefaultHash);
    }

    /// <summary>Starts both wires, handshakes (with <paramref name="extensions"/>) and waits for both extended handshakes.</summary>
    public async Task ConnectAsync(WireExtensions extensions = WireExtensions.Fast)
    {
        var aGot = Next<ExtendedHandshakeEventArgs>(h => A.ExtendedHandshakeReceived += h);
        var bGot = Next<ExtendedHandshakeEventArgs>(h => B.ExtendedHandshakeReceived += h);
        A.Start();
        B.Start();
        A.Handshake(Hash, PeerId.CreateRandom(), extensions);
        B.Handshake(Hash, PeerId.CreateRandom(), extensions);
        await Task.WhenAll(aGot, bGot).WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>A task completed by the next raise of an event (subscribe through <paramref name="subscribe"/>).</summary>
    public static Task<T> Next<T>(Action<EventHandler<T>> subscribe)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        subscribe((_, e) => tcs.TrySetResult(e));
        return tcs.Task;
    }

    /// <summary>A task completed by the next raise of a non-generic event.</summary>
    public static Task NextPlain(Action<EventHandler> subscribe)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscribe((_, _) => tcs.TrySetResult());
        return tcs.Task;
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
