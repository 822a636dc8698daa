using System.Net;
using System.Net.Sockets;
using BitTorrent.Wire;

namespace BitTorrent.Benchmarks.Transfer;

/// <summary>Two of our <see cref="global::BitTorrent.Wire.Wire"/>s over one loopback TCP connection: the seeder answers from memory, the leecher keeps <c>depth</c> requests in flight.</summary>
internal static class WireTransfer
{
    private const int Block = 16384;

    public static async Task RunAsync(int blocks, int depth, bool intoCallerBuffers)
    {
        var hash = InfoHash.Parse("0101010101010101010101010101010101010101");
        var data = new byte[Block];
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accept = listener.AcceptSocketAsync();
        await using var leecher = await global::BitTorrent.Wire.Wire.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        await using var seeder = new global::BitTorrent.Wire.Wire(await accept, new WireOptions { Type = "tcpIncoming" });
        seeder.RequestHandler = (_, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(data);
        seeder.HandshakeReceived += (_, _) => seeder.Handshake(hash, PeerId.CreateRandom());
        seeder.PeerInterestedReceived += (_, _) => seeder.Unchoke();
        var unchoked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        leecher.PeerUnchoked += (_, _) => unchoked.TrySetResult();
        seeder.Start();
        leecher.Handshake(hash, PeerId.CreateRandom());
        leecher.Interested();
        await unchoked.Task;

        if (intoCallerBuffers) await PumpIntoBuffersAsync(leecher, blocks, depth);
        else await PumpArraysAsync(leecher, blocks, depth);
    }

    /// <summary>Each completed request hands out a new 16 KiB array.</summary>
    private static async Task PumpArraysAsync(global::BitTorrent.Wire.Wire leecher, int blocks, int depth)
    {
        var inFlight = new Queue<ValueTask<byte[]>>(depth);
        int sent = 0;
        for (; sent < Math.Min(depth, blocks); sent++) inFlight.Enqueue(leecher.RequestAsync(sent / 16, sent % 16 * Block, Block));
        while (inFlight.Count > 0)
        {
            var block = await inFlight.Dequeue();
            if (block.Length != Block) throw new InvalidDataException("short block");
            if (sent < blocks)
            {
                inFlight.Enqueue(leecher.RequestAsync(sent / 16, sent % 16 * Block, Block));
                sent++;
            }
        }
    }

    /// <summary>Blocks land in a ring of caller-owned buffers, one per request in flight: nothing is allocated per block.</summary>
    private static async Task PumpIntoBuffersAsync(global::BitTorrent.Wire.Wire leecher, int blocks, int depth)
    {
        var ring = new byte[depth][];
        for (int i = 0; i < depth; i++) ring[i] = new byte[Block];
        var inFlight = new Queue<ValueTask<int>>(depth);
        int sent = 0;
        for (; sent < Math.Min(depth, blocks); sent++) inFlight.Enqueue(leecher.RequestAsync(sent / 16, sent % 16 * Block, ring[sent % depth]));
        while (inFlight.Count > 0)
        {
            if (await inFlight.Dequeue() != Block) throw new InvalidDataException("short block");
            if (sent < blocks)
            {
                inFlight.Enqueue(leecher.RequestAsync(sent / 16, sent % 16 * Block, ring[sent % depth]));
                sent++;
            }
        }
    }
}
