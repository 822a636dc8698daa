using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BitTorrent.Bencode;
using BitTorrent.Dht.Tests.Simulation;
using BitTorrent.Dht.Tests.Support;
using Xunit.Abstractions;

namespace BitTorrent.Dht.Tests;

/// <summary>
/// A flood over real UDP on 127.0.0.1 (RELIABILITY.md, "DHT under attack"): 100,000 datagrams from 250 sources, each
/// paced under its own rate limit, against one node of a small real DHT. Runs alone, so the heap figure is its own.
/// </summary>
[Collection(nameof(MemoryMeasurementCollection))]
public class UdpFloodTests(ITestOutputHelper output)
{
    private const int Sources = 250;
    private const int Datagrams = 100_000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_flood_of_100000_datagrams_keeps_memory_bounded_our_lookups_working_and_real_peers_findable()
    {
        var torrent = InfoHash.Parse("0f0e0d0c0b0a09080706050403020100a1b2c3d4");
        var nodes = new List<DhtNode>();
        var attackers = new List<Socket>();
        try
        {
            for (int i = 0; i < 8; i++)
            {
                var node = new DhtNode(new DhtNodeOptions { BootstrapNodes = i == 0 ? [] : [nodes[0].LocalEndPoint!] });
                nodes.Add(node);
                node.Listen(0, IPAddress.Loopback);
                await node.WaitForReadyAsync().WaitAsync(Bound);
            }
            var victim = nodes[1];
            await nodes[3].AnnounceAsync(torrent, 51413).WaitAsync(Bound);
            long heapBefore = GC.GetTotalMemory(forceFullCollection: true);

            var tokens = new List<byte[]>();
            for (int i = 0; i < Sources; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                attackers.Add(socket);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                tokens.Add(await TokenAsync(socket, victim.LocalEndPoint!, torrent));
            }

            // The flood: every 100 ms each source sends 4 datagrams (40 a second, under its limit of 50); it stops by
            // itself after 100,000 datagrams (about 10 s), or after a minute at most on a very busy machine.
            var random = new Random(100);
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            var fullRate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var flood = Task.Run(async () =>
            {
                using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
                int sent = 0;
                while (sent < Datagrams && await tick.WaitForNextTickAsync(stop.Token))
                {
                    for (int s = 0; s < Sources && sent < Datagrams; s++)
                    {
                        for (int k = 0; k < 4; k++, sent++)
                        {
                            // Each source announces its own port: on loopback, senders are told apart by port.
                            attackers[s].SendTo(Flood.Datagram(random, sent, tokens[s], 10_000 + s), victim.LocalEndPoint!);
                        }
                    }
                    if (sent >= Datagrams / 5)
                    {
                        fullRate.TrySetResult();
                    }
                }
                return sent;
            });

            // While it runs, our own lookup through the victim finds the announced peer in its normal time.
            await fullRate.Task.WaitAsync(TimeSpan.FromMinutes(1));
            var clock = Stopwatch.StartNew();
            var during = await victim.LookupAsync(torrent).WaitAsync(Bound);
            var lookupTime = clock.Elapsed;
            bool lookupDuringFlood = !flood.IsCompleted;
            int sent = await flood.WaitAsync(TimeSpan.FromMinutes(2));
            var stats = victim.GetStats();
            long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
            output.WriteLine($"sent {sent}, victim received {stats.DatagramsReceived}, handled {stats.QueriesReceived} queries, " +
                $"rate-limited {stats.RateLimitedDropped}, budget-dropped {stats.OutboundBudgetDropped}; stored {stats.StoredTorrents} torrents, " +
                $"{stats.StoredPeers} peers, {stats.StoredItems} items; heap +{(heapAfter - heapBefore) / 1024.0 / 1024.0:F1} MiB; " +
                $"lookup during the flood {lookupTime.TotalMilliseconds:F0} ms");

            Assert.Equal(Datagrams, sent);
            Assert.True(lookupDuringFlood, "the flood ended before the lookup");
            Assert.Contains(new IPEndPoint(IPAddress.Loopback, 51413), during.Peers);
            Assert.True(lookupTime < TimeSpan.FromSeconds(10), $"lookup took {lookupTime}");
            Assert.True(stats.QueriesReceived > 20_000, $"only {stats.QueriesReceived} flood queries reached the node");
            Assert.InRange(stats.StoredTorrents, 1, 2000);
            Assert.InRange(stats.StoredItems, 1, 1000);
            Assert.True(heapAfter - heapBefore < 64L * 1024 * 1024, $"heap grew {(heapAfter - heapBefore) / 1024 / 1024} MiB");

            // After the flood, real peers stay findable from any node.
            var after = await nodes[6].LookupAsync(torrent).WaitAsync(Bound);
            Assert.Contains(new IPEndPoint(IPAddress.Loopback, 51413), after.Peers);
        }
        finally
        {
            attackers.ForEach(s => s.Dispose());
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static async Task<byte[]> TokenAsync(Socket socket, IPEndPoint node, InfoHash torrent)
    {
        var query = new BDictionary
        {
            { "a", new BDictionary { { "id", new byte[20] }, { "info_hash", torrent.ToArray() } } },
            { "q", "get_peers" }, { "t", "tk" }, { "y", "q" },
        }.Encode();
        var buffer = new byte[2048];
        for (int attempt = 0; ; attempt++)
        {
            await socket.SendToAsync(query, node);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                while (true)
                {
                    // The node may ping us (an unknown querier) before it answers: skip everything but the answer.
                    var received = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
                    var reply = Bencode.Bencode.DecodeDictionary(buffer.AsSpan(0, received.ReceivedBytes).ToArray());
                    if (reply.GetText("t") == "tk" && reply.Get<BDictionary>("r")?.GetBytes("token") is { } token)
                    {
                        return token.ToArray();
                    }
                }
            }
            catch (OperationCanceledException) when (attempt < 3)
            {
                // UDP may drop the first query on a busy machine: ask again.
            }
        }
    }
}
