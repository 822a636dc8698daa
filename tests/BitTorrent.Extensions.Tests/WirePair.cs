using BitTorrent.Testing;
using BitTorrent.Wire;
using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Extensions.Tests;

/// <summary>The shared <see cref="BitTorrent.Testing.WirePair"/> on a fake clock the extension tests advance, with one info hash.</summary>
internal sealed class WirePair : IAsyncDisposable
{
    public static readonly InfoHash DefaultHash = InfoHash.Parse("0123456789abcdef0123456789abcdef01234567");

    private readonly Testing.WirePair _pair;

    private WirePair(Testing.WirePair pair, FakeTimeProvider time, InfoHash hash)
    {
        _pair = pair;
        Time = time;
        Hash = hash;
    }

    public Wire.Wire A => _pair.A;
    public Wire.Wire B => _pair.B;
    public FakeTimeProvider Time { get; }
    public InfoHash Hash { get; }

    public static WirePair Create(FakeTimeProvider? time = null, InfoHash? hash = null, int? pieceCount = null)
    {
        time ??= new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        // The tests advance the shared fake clock by minutes between messages: no inactivity timeout.
        var options = new WireOptions { TimeProvider = time, PieceCount = pieceCount, InactivityTimeout = null };
        return new WirePair(Testing.WirePair.Create(options, options), time, hash ?? DefaultHash);
    }

    /// <summary>Handshakes both wires (with <paramref name="extensions"/>) and waits for both extended handshakes.</summary>
    public Task ConnectAsync(WireExtensions extensions = WireExtensions.Fast) =>
        _pair.HandshakeAsync(Hash, PeerId.CreateRandom(), PeerId.CreateRandom(), extensions, extensions);

    /// <summary>A task completed by the next raise of an event.</summary>
    public static Task<T> Next<T>(Action<EventHandler<T>> subscribe) => TestWait.Next(subscribe);

    /// <summary>A task completed by the next raise of a non-generic event.</summary>
    public static Task NextPlain(Action<EventHandler> subscribe) => TestWait.Next(subscribe);

    public ValueTask DisposeAsync() => _pair.DisposeAsync();
}
