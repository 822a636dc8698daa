using BitTorrent.Testing;

namespace BitTorrent.Wire.Tests;

/// <summary>The ids these tests handshake with, and the shared waits under their old names.</summary>
internal static class TestIds
{
    public static readonly InfoHash Hash = InfoHash.Parse("0123456789abcdef0123456789abcdef01234567");
    public static readonly PeerId IdA = new("-TA0001-aaaaaaaaaaaa"u8);
    public static readonly PeerId IdB = new("-TB0001-bbbbbbbbbbbb"u8);
    public static readonly TimeSpan Bound = TestWait.Bound;

    public static Task<TArgs> Next<TArgs>(Action<EventHandler<TArgs>> subscribe) => TestWait.Next(subscribe);

    public static Task Next(Action<EventHandler> subscribe) => TestWait.Next(subscribe);

    /// <summary>A handshakes first with <see cref="IdA"/>; B answers with <see cref="IdB"/>; both extended handshakes arrive.</summary>
    public static Task HandshakeAsync(this WirePair pair, WireExtensions a = WireExtensions.Fast, WireExtensions b = WireExtensions.Fast) =>
        pair.HandshakeAsync(Hash, IdA, IdB, a, b);
}
