using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BitTorrent.Wire;

namespace BitTorrent.Benchmarks.Idle;

/// <summary>
/// <c>idle-wires [--count N]</c>: opens N loopback TCP connections, runs a handshaken pair of our wires on each (both
/// ends in this process), lets them go idle, and reports the managed heap and process memory they hold, per wire.
/// </summary>
internal static class IdleWiresBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        int count = 1000;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--count") count = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            else throw new ArgumentException($"unknown option {args[i]}");
        }
        var hash = InfoHash.Parse("0101010101010101010101010101010101010101");
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(count);

        long heapBefore = Heap();
        long workingSetBefore = Environment.WorkingSet;
        var wires = new List<global::BitTorrent.Wire.Wire>(2 * count);
        for (int i = 0; i < count; i++)
        {
            var accept = listener.AcceptAsync();
            var outgoing = await global::BitTorrent.Wire.Wire.ConnectAsync((IPEndPoint)listener.LocalEndPoint!);
            var incoming = new global::BitTorrent.Wire.Wire(PeerConnection.FromSocket(await accept, ConnectionDirection.Incoming));
            incoming.HandshakeReceived += (_, e) => incoming.Handshake(e.InfoHash, PeerId.CreateRandom());
            var extended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            outgoing.ExtendedHandshakeReceived += (_, _) => extended.TrySetResult();
            incoming.Start();
            outgoing.Handshake(hash, PeerId.CreateRandom());
            await extended.Task.WaitAsync(TimeSpan.FromSeconds(30));
            wires.Add(outgoing);
            wires.Add(incoming);
        }
        // Let the last exchanges settle, then measure.
        await Task.Delay(1000);
        long heap = Heap() - heapBefore;
        long workingSet = Environment.WorkingSet - workingSetBefore;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{wires.Count} idle handshaken wires ({count} loopback connections, both ends here): managed heap {heap / 1024.0 / 1024:F1} MiB, {heap / wires.Count:F0} B per wire; working set {workingSet / 1024.0 / 1024:F1} MiB, {workingSet / wires.Count:F0} B per wire"));
        foreach (var wire in wires) wire.End();
        await Task.WhenAll(wires.Select(w => w.Completion)).WaitAsync(TimeSpan.FromSeconds(60));
        return 0;
    }

    /// <summary>Live managed bytes after a full blocking collection (pooled arrays rented by the wires count; idle pool arrays are trimmed first).</summary>
    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
