using BitTorrent.Wire;
using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Wire.Tests;

public class TimerAndStatsTests
{
    [Fact]
    public async Task Keep_alive_goes_out_every_55_seconds()
    {
        var time = new FakeTimeProvider();
        await using var raw = new RawPeer(new WireOptions { TimeProvider = time });
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
    public async Task Batches_messages_and_signals_congestion_until_drained()
    {
        var writes = new List<int>();
        var gate = new TaskCompletionSource();
        var outbound = new Outbound(async m => { lock (writes) writes.Add(m.Length); await gate.Task; }, highWater: 100);
        var loop = Task.Run(outbound.RunAsync);
        Assert.True(outbound.Enqueue(new byte[60]));
        await WaitUntil(() => { lock (writes) return writes.Count == 1; });
        Assert.True(outbound.Enqueue(new byte[30], new byte[30]));
        Assert.True(outbound.Enqueue(new byte[20]));
        Assert.True(outbound.IsCongested);
        var drained = outbound.WaitForDrainAsync().AsTask();
        Assert.False(drained.IsCompleted);
        gate.SetResult();
        await drained.WaitAsync(TestIds.Bound);
        await WaitUntil(() => { lock (writes) return writes.Count == 2; });
        lock (writes) Assert.Equal([60, 80], writes); // the three later messages left in one write
        outbound.Complete();
        await loop.WaitAsync(TestIds.Bound);
        Assert.False(outbound.Enqueue(new byte[1]));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TestIds.Bound;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException();
            await Task.Yield();
        }
    }
}
