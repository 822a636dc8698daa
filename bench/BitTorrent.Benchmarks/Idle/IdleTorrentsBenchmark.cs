using System.Diagnostics;
using System.Globalization;
using System.Net;
using BitTorrent.Client;
using BitTorrent.Metainfo;

namespace BitTorrent.Benchmarks.Idle;

/// <summary>
/// <c>idle-torrents [--count N] [--seconds S] [--settle-seconds W]</c>: one engine seeding N small torrents (one 16 KiB
/// file each, checked on add) with no peers, on 127.0.0.1 with the DHT off; reports the managed heap and the resident
/// set they add per torrent, the CPU of the first W seconds after the adds (the one resume write per torrent due after
/// its check, the first quiet ticks, and the JIT compiling those paths twice: first quickly, then optimized once they
/// are hot), and the CPU the idle engine then spends over S seconds (its ticks and timers, nothing else).
/// </summary>
internal static class IdleTorrentsBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        int count = 1000, seconds = 30, settleSeconds = 60;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            int value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            if (args[i] == "--count") count = value;
            else if (args[i] == "--seconds") seconds = value;
            else if (args[i] == "--settle-seconds") settleSeconds = value;
            else throw new ArgumentException($"unknown option {args[i]}");
        }
        var root = Directory.CreateTempSubdirectory("bt-idle-torrents-").FullName;
        try
        {
            var torrents = new List<Torrent>(count);
            var random = new Random(5);
            for (int i = 0; i < count; i++)
            {
                var file = Path.Combine(root, $"t{i}.bin");
                var bytes = new byte[16 * 1024];
                random.NextBytes(bytes);
                await File.WriteAllBytesAsync(file, bytes);
                torrents.Add(await TorrentCreator.CreateAsync(file));
            }
            await using var engine = await ClientEngine.StartAsync(new EngineOptions { ListenAddresses = [IPAddress.Loopback], EnableDht = false });
            long heapBefore = Heap();
            long rssBefore = Rss();
            foreach (var torrent in torrents)
            {
                var session = await engine.AddAsync(torrent, new TorrentOptions { SaveDirectory = root });
                await session.WaitForCompletionAsync().WaitAsync(TimeSpan.FromSeconds(60));
            }
            long heap = Heap() - heapBefore;
            long rss = Rss() - rssBefore;

            double settling = await CpuShareAsync(settleSeconds);
            double cpu = await CpuShareAsync(seconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{count} idle seeding torrents in one engine: managed heap {heap / 1024.0 / 1024:F1} MiB, {heap / 1024.0 / count:F1} KiB per torrent; resident set {rss / 1024.0 / 1024:F1} MiB, {rss / 1024.0 / count:F1} KiB per torrent; CPU {settling:P2} of one core over the first {settleSeconds} s, then {cpu:P2} over {seconds} s"));
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The process's CPU time over the next <paramref name="seconds"/>, as a share of one core.</summary>
    private static async Task<double> CpuShareAsync(int seconds)
    {
        if (seconds <= 0) return 0;
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        process.Refresh();
        return (process.TotalProcessorTime - cpuBefore).TotalSeconds / wall.Elapsed.TotalSeconds;
    }

    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>The resident set from /proc (Environment.WorkingSet is the same on Linux, read once more after the collection).</summary>
    private static long Rss()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
