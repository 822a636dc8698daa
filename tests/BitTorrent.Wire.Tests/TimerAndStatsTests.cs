using BitTorrent.Wire;
using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Wire.Tests;

public class TimerAndStatsTests
{
    [Fact]
    public async Task Keep_alive_goes_out_every_55_seconds()
    {
        var time = new FakeTimeProvider();
        await using var raw = new RawPeer(new WireOptions { TimeProvider = time, InactivityTimeout = null });
        await raw.HandshakeAsync();
        var extended = await raw.ReceiveAsync(4);
        await raw.ReceiveAsync(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(extended));
        raw.Wire.SetKeepAlive(true);
        time.Advance(TimeSpan.FromSeconds(54));
        raw.Wire.Have(1); // a marker: nothing may precede it
        Assert.Equal("000000050400000001", await raw.ReceiveHexAsync(9));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("00000000", await raw.ReceiveHexAsync(4));
        time.Advance(TimeSpan.FromSeconds(55));
        Assert.Equal("00000000", await raw.ReceiveHexAsync(4));
        raw.Wire.SetKeepAlive(false);
        time.Advance(TimeSpan.FromSeconds(120));
        raw.Wire.Have(2);
        Assert.Equal("000000050400000002", await raw.ReceiveHexAsync(9));
    }

    [Fact]
    public async Task Transfer_counters_and_speed_over_a_five_second_window()
    {
        var time = new FakeTimeProvider();
        await using var pair = WirePair.Create(new WireOptions { TimeProvider = time }, new WireOptions { TimeProvider = time });
        var block = new byte[16384];
        pair.B.RequestHandler = (_, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(block);
        long downloadEvents = 0;
        pair.A.Download += (_, e) => Interlocked.Add(ref downloadEvents, e.Bytes);
        await pair.HandshakeAsync();
        var unchoked = TestIds.Next(h => pair.A.PeerUnchoked += h);
        pair.B.Unchoke();
        await unchoked.Within();
        for (int i = 0; i < 10; i++) await pair.A.RequestAsync(0, i * 16384, 16384).AsTask().Within();
        Assert.Equal(163840, pair.A.Downloaded);
        Assert.Equal(163840, Interlocked.Read(ref downloadEvents));
        Assert.Equal(163840, pair.B.Uploaded);
        Assert.Equal(163840 / 5.0, pair.A.DownloadSpeed, 3);
        Assert.Equal(163840 / 5.0, pair.B.UploadSpeed, 3);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(163840 / 5.0, pair.A.DownloadSpeed, 3);
        time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Equal(0, pair.A.DownloadSpeed);
    }
}

public class BitFieldTests
{
    [Fact]
    public void Bits_are_msb_first_and_grow_to_the_cap()
    {
        var bits = new BitField(0, maxLength: 20);
        bits.Set(0);
        bits.Set(9);
        Assert.Equal([0x80, 0x40], bits.ToArray());
        Assert.Equal(10, bits.Length);
        Assert.Equal(2, bits.Count);
        Assert.True(bits[9]);
        Assert.False(bits[8]);
        Assert.False(bits[100]);
        Assert.Throws<ArgumentOutOfRangeException>(() => bits.Set(20));
        bits.Set(9, false);
        Assert.Equal(1, bits.Count);
    }

    [Fact]
    public void Have_all_reads_true_until_a_bit_is_cleared()
    {
        var bits = new BitField(4);
        bits.SetAll();
        Assert.True(bits[1000]);
        Assert.Equal(4, bits.Count);
        bits.Set(2, false);
        Assert.False(bits[2]);
        Assert.True(bits[3]);
        Assert.Equal(3, bits.Count);
        Assert.Equal([0xD0], bits.ToArray());
    }

    [Fact]
    public void Load_masks_spare_bits_and_checks_size()
    {
        var bits = new BitField(0, 100);
        bits.Load([0xFF, 0xFF], 10);
        Assert.Equal(10, bits.Count);
        Assert.Equal([0xFF, 0xC0], bits.ToArray());
        Assert.Throws<ArgumentException>(() => bits.Load([0xFF], 10));
    }
}

public class OutboundTests
{
    [Fact]
    public async Task Batches_messages_queued_during_a_write_into_the_next_write()
    {
        var writes = System.Threading.Channels.Channel.CreateUnbounded<int>();
        var gate = new TaskCompletionSource();
        var outbound = new Outbound(async m => { writes.Writer.TryWrite(m.Length); await gate.Task; }, limit: 1000);
        var loop = Task.Run(outbound.RunAsync);
        Assert.True(outbound.Enqueue(new byte[60]));
        Assert.Equal(60, await writes.Reader.ReadAsync().AsTask().Within());
        Assert.True(outbound.Enqueue(new byte[30], new byte[30]));
        Assert.True(outbound.Enqueue(new byte[20]));
        Assert.Equal(140, outbound.Buffered);
        gate.SetResult();
        Assert.Equal(80, await writes.Reader.ReadAsync().AsTask().Within()); // the three later messages left in one write
        outbound.Complete();
        await loop.Within();
        Assert.Equal(0, outbound.Buffered);
        Assert.False(outbound.Enqueue(new byte[1]));
    }

    [Fact]
    public async Task A_piece_goes_out_in_one_write_and_a_huge_burst_in_segments_of_at_most_the_maximum()
    {
        var writes = new List<int>();
        var outbound = new Outbound(m => { writes.Add(m.Length); return ValueTask.CompletedTask; }, limit: 4 << 20);
        Assert.True(outbound.Enqueue(new byte[13], new byte[150_000]));
        outbound.Complete();
        await outbound.RunAsync().Within();
        Assert.Equal([150_013], writes);

        writes.Clear();
        outbound = new Outbound(m => { writes.Add(m.Length); return ValueTask.CompletedTask; }, limit: 4 << 20);
        Assert.True(outbound.Enqueue(new byte[13], new byte[1_200_000]));
        outbound.Complete();
        await outbound.RunAsync().Within();
        Assert.Equal([Outbound.MaximumSegmentSize, Outbound.MaximumSegmentSize, 1_200_013 - 2 * Outbound.MaximumSegmentSize], writes);
    }

    [Fact]
    public async Task Queuing_beyond_the_limit_stops_the_queue_and_reports_the_overflow()
    {
        var gate = new TaskCompletionSource();
        var outbound = new Outbound(async _ => await gate.Task, limit: 100);
        var loop = Task.Run(outbound.RunAsync);
        Assert.True(outbound.Enqueue(new byte[60]));
        Assert.True(outbound.Enqueue(new byte[40]));
        Assert.False(outbound.Enqueue(new byte[1]));
        Assert.True(outbound.Overflowed);
        gate.SetResult();
        await loop.Within();
        Assert.False(outbound.Enqueue(new byte[1]));
    }
}

public class BitFieldHaveAllTests
{
    [Fact]
    public void Clearing_a_piece_after_have_all_with_unknown_length_keeps_the_others()
    {
        var bits = new BitField();
        bits.SetAll();
        bits.Set(5, false);
        Assert.False(bits[5]);
        Assert.True(bits[4]);
        Assert.True(bits[6000]);
        bits.Set(5);
        Assert.True(bits[5]);
    }
}
