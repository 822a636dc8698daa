using System.Net;
using System.Net.Sockets;
using BitTorrent.Wire;

namespace BitTorrent.Benchmarks.Transfer;

/// <summary>Two of our <see cref="global::BitTorrent.Wire.Wire"/>s over one loopback TCP connection: the seeder answers from memory, the leecher keeps <c>depth</c> requests in flight.</summary>
internal static class WireTransfer
{
    private const int Block = 16384;

    /// <summary>Moves <paramref name="blocks"/> blocks; returns the bytes allocated (all threads) after the first <paramref name="warmUpBlocks"/> had completed;
    /// <paramref name="encrypted"/> runs the wires over MSE with full-stream RC4.</summary>
    public static async Task<long> RunAsync(int blocks, int depth, bool intoCallerBuffers, int warmUpBlocks = 0, bool encrypted = false)
    {
        var hash = InfoHash.Parse("0101010101010101010101010101010101010101");
        var data = new byte[Block];
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var (plainLeecher, plainSeeder) = encrypted ? await MseTransfer.ConnectAsync(listener, hash) : await ConnectPlainAsync(listener);
        await using var leecher = plainLeecher;
        await using var seeder = plainSeeder;
        seeder.RequestHandler = (_, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(data);
        seeder.HandshakeReceived += (_, _) => seeder.Handshake(hash, PeerId.CreateRandom());
        seeder.PeerInterestedReceived += (_, _) => seeder.Unchoke();
        var unchoked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        leecher.PeerUnchoked += (_, _) => unchoked.TrySetResult();
        seeder.Start();
        leecher.Handshake(hash, PeerId.CreateRandom());
        leecher.Interested();
        await unchoked.Task;

        var steady = new SteadyState(warmUpBlocks);
        if (intoCallerBuffers) await PumpIntoBuffersAsync(leecher, blocks, depth, steady);
        else await PumpArraysAsync(leecher, blocks, depth, steady);
        return steady.AllocatedSinceWarmUp();
    }

    private static async Task<(global::BitTorrent.Wire.Wire, global::BitTorrent.Wire.Wire)> ConnectPlainAsync(TcpListener listener)
    {
        var accept = listener.AcceptSocketAsync();
        var leecher = await global::BitTorrent.Wire.Wire.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        return (leecher, new global::BitTorrent.Wire.Wire(await accept));
    }

    /// <summary>
    /// Both wires serve and download at once over one connection, each <paramref name="blocks"/>/2 blocks into caller
    /// buffers with <paramref name="depth"/> requests in flight: the same bytes as the one-way run, both directions busy.
    /// </summary>
    public static async Task RunBidirectionalAsync(int blocks, int depth)
    {
        var hash = InfoHash.Parse("0101010101010101010101010101010101010101");
        var data = new byte[Block];
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accept = listener.AcceptSocketAsync();
        await using var a = await global::BitTorrent.Wire.Wire.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        await using var b = new global::BitTorrent.Wire.Wire(await accept);
        var unchoked = new List<Task>();
        foreach (var wire in new[] { a, b })
        {
            var self = wire;
            self.RequestHandler = (_, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(data);
            self.PeerInterestedReceived += (_, _) => self.Unchoke();
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            self.PeerUnchoked += (_, _) => tcs.TrySetResult();
            unchoked.Add(tcs.Task);
        }
        b.HandshakeReceived += (_, _) => b.Handshake(hash, PeerId.CreateRandom());
        b.Start();
        a.Handshake(hash, PeerId.CreateRandom());
        a.Interested();
        b.Interested();
        await Task.WhenAll(unchoked);
        var none = new SteadyState(0);
        await Task.WhenAll(
            Task.Run(() => PumpIntoBuffersAsync(a, blocks / 2, depth, none)),
            Task.Run(() => PumpIntoBuffersAsync(b, blocks - blocks / 2, depth, new SteadyState(0))));
    }

    /// <summary>Each completed request hands out a new 16 KiB array.</summary>
    private static async Task PumpArraysAsync(global::BitTorrent.Wire.Wire leecher, int blocks, int depth, SteadyState steady)
    {
        var inFlight = new Queue<ValueTask<byte[]>>(depth);
        int sent = 0;
        for (; sent < Math.Min(depth, blocks); sent++) inFlight.Enqueue(leecher.RequestAsync(sent / 16, sent % 16 * Block, Block));
        while (inFlight.Count > 0)
        {
            var block = await inFlight.Dequeue();
            if (block.Length != Block) throw new InvalidDataException("short block");
            steady.Completed();
            if (sent < blocks)
            {
                inFlight.Enqueue(leecher.RequestAsync(sent / 16, sent % 16 * Block, Block));
                sent++;
            }
        }
    }

    /// <summary>Blocks land in a ring of caller-owned buffers, one per request in flight: nothing is allocated per block.</summary>
    private static async Task PumpIntoBuffersAsync(global::BitTorrent.Wire.Wire leecher, int blocks, int depth, SteadyState steady)
    {
        var ring = new byte[depth][];
        for (int i = 0; i < depth; i++) ring[i] = new byte[Block];
        var inFlight = new Queue<ValueTask<int>>(depth);
        int sent = 0;
        for (; sent < Math.Min(depth, blocks); sent++) inFlight.Enqueue(leecher.RequestAsync(sent / 16, sent % 16 * Block, ring[sent % depth]));
        while (inFlight.Count > 0)
        {
            if (await inFlight.Dequeue() != Block) throw new InvalidDataException("short block");
            steady.Completed();
            if (sent < blocks)
            {
                inFlight.Enqueue(leecher.RequestAsync(sent / 16, sent % 16 * Block, ring[sent % depth]));
                sent++;
            }
        }
    }

    /// <summary>Reads the process-wide allocation counter once the warm-up blocks have completed.</summary>
    private sealed class SteadyState(int warmUpBlocks)
    {
        private int _completed;
        private long _start = GC.GetTotalAllocatedBytes(precise: true);

        public void Completed()
        {
            if (++_completed == warmUpBlocks) _start = GC.GetTotalAllocatedBytes(precise: true);
        }

        public long AllocatedSinceWarmUp() => GC.GetTotalAllocatedBytes(precise: true) - _start;
    }
}
