using System.IO.Pipelines;
using BitTorrent.Wire;

namespace BitTorrent.Wire.Tests;

/// <summary>Two ends of an in-memory duplex connection.</summary>
internal sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
{
    public PipeReader Input { get; } = input;
    public PipeWriter Output { get; } = output;

    public static (DuplexPipe A, DuplexPipe B) CreatePair()
    {
        var ab = new Pipe();
        var ba = new Pipe();
        return (new DuplexPipe(ba.Reader, ab.Writer), new DuplexPipe(ab.Reader, ba.Writer));
    }
}

/// <summary>Test helpers: ids, awaiting events with a bound, and a connected pair of wires.</summary>
internal static class TestIds
{
    public static readonly InfoHash Hash = InfoHash.Parse("0123456789abcdef0123456789abcdef01234567");
    public static readonly PeerId IdA = new("-TA0001-aaaaaaaaaaaa"u8);
    public static readonly PeerId IdB = new("-TB0001-bbbbbbbbbbbb"u8);
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(Bound);

    public static Task Within(this Task task) => task.WaitAsync(Bound);

    public static Task<TArgs> Next<TArgs>(Action<EventHandler<TArgs>> subscribe)
    {
        var tcs = new TaskCompletionSource<TArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        subscribe((_, e) => tcs.TrySetResult(e));
        return tcs.Task;
    }

    public static Task Next(Action<EventHandler> subscribe)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscribe((_, _) => tcs.TrySetResult());
        return tcs.Task;
    }
}

/// <summary>Two wires joined by in-memory pipes, handshaken with the given extensions.</summary>
internal sealed class WirePair : IAsyncDisposable
{
    public Wire A { get; }
    public Wire B { get; }

    private WirePair(Wire a, Wire b)
    {
        A = a;
        B = b;
    }

    public static WirePair Create(WireOptions? optionsA = null, WireOptions? optionsB = null)
    {
        var (pa, pb) = DuplexPipe.CreatePair();
        return new WirePair(new Wire(pa, optionsA), new Wire(pb, optionsB));
    }

    public static WirePair From(PeerConnection a, PeerConnection b, WireOptions? optionsA = null, WireOptions? optionsB = null) =>
        new(new Wire(a, optionsA), new Wire(b, optionsB));

    /// <summary>A handshakes first; B answers from its HandshakeReceived event. Waits for both extended handshakes.</summary>
    public async Task HandshakeAsync(WireExtensions a = WireExtensions.Fast, WireExtensions b = WireExtensions.Fast)
    {
        B.HandshakeReceived += (_, _) => B.Handshake(TestIds.Hash, TestIds.IdB, b);
        var extA = TestIds.Next<ExtendedHandshakeEventArgs>(h => A.ExtendedHandshakeReceived += h);
        var extB = TestIds.Next<ExtendedHandshakeEventArgs>(h => B.ExtendedHandshakeReceived += h);
        A.Start();
        B.Start();
        A.Handshake(TestIds.Hash, TestIds.IdA, a);
        await Task.WhenAll(extA, extB).Within();
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}
