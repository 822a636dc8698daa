namespace BitTorrent.Wire.Tests;

/// <summary>
/// The transport's writer is completed by the wire's close on another thread, also between its send loop's
/// <c>Advance</c> and <c>FlushAsync</c> (the encrypting writer does both per message). The engine swarm soak saw that
/// flush fail with <see cref="ArgumentNullException"/>, which the send loop did not expect, so its task faulted unobserved.
/// </summary>
public sealed class DirectStreamWriterTests
{
    [Fact]
    public async Task A_flush_after_complete_fails_with_ObjectDisposedException_and_writes_nothing()
    {
        var stream = new MemoryStream();
        var writer = new DirectStreamWriter(stream);
        writer.GetSpan(10)[..10].Fill(7);
        writer.Advance(10);
        writer.Complete();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await writer.FlushAsync());
        Assert.Empty(stream.ToArray());
    }

    [Fact]
    public async Task Buffered_bytes_are_written_by_the_flush_and_writes_go_straight_through_after_it()
    {
        var stream = new MemoryStream();
        var writer = new DirectStreamWriter(stream);
        writer.GetSpan(3)[..3].Fill(1);
        writer.Advance(3);
        await writer.FlushAsync();
        await writer.WriteAsync(new byte[] { 2, 2 });
        Assert.Equal([1, 1, 1, 2, 2], stream.ToArray());
    }
}
