using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using BitTorrent.Metainfo;
using BitTorrent.Storage;

namespace BitTorrent.Benchmarks.Storage;

/// <summary>
/// <c>recheck [--size-mib N] [--rounds N] [--dir D]</c>: writes an N MiB file (default 1 GiB), creates its torrent with
/// <see cref="TorrentCreator"/>, then per round (taking turns, so background load hits all alike): the machine's SHA-1
/// ceiling on every core (one thread per core hashing the same amount from memory, through the same OpenSSL SHA-1
/// .NET uses), <see cref="TorrentStorage.CheckAsync"/> over the file, and <c>sha1sum</c> of the file (one core).
/// The file stays in the page cache, so the check measures hashing and copying, not the disk.
/// </summary>
internal static class RecheckBenchmark
{
    private static readonly Lazy<byte[]> MemoryContent = new(() =>
    {
        var buffer = new byte[64 << 20];
        new Random(2).NextBytes(buffer);
        return buffer;
    });

    public static async Task<int> RunAsync(string[] args)
    {
        int sizeMiB = 1024, rounds = 3;
        string dir = Path.Combine(Path.GetTempPath(), "bt-recheck-bench");
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--dir") dir = args[i + 1];
            else if (args[i] == "--size-mib") sizeMiB = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            else if (args[i] == "--rounds") rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            else throw new ArgumentException($"unknown option {args[i]}");
        }
        long bytes = (long)sizeMiB << 20;
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "recheck.bin");
        try
        {
            WriteContent(path, bytes);
            var created = Stopwatch.StartNew();
            var torrent = await TorrentCreator.CreateAsync(path);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"re-check: {sizeMiB} MiB in {torrent.Info.PieceCount} pieces of {torrent.Info.PieceLength >> 10} KiB, {Environment.ProcessorCount} cores; TorrentCreator hashed it in {created.Elapsed.TotalSeconds:F2} s ({bytes / created.Elapsed.TotalSeconds / 1e6:F0} MB/s)"));

            _ = MemoryContent.Value;
            var ceiling = new List<double>();
            var check = new List<double>();
            var sha1sum = new List<double>();
            var ceilingCpu = new List<double>();
            var checkCpu = new List<double>();
            await using var storage = new TorrentStorage(torrent.Info, dir);
            for (int round = 0; round < rounds; round++)
            {
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                ceiling.Add(bytes / Time(() => HashInMemory(bytes)) / 1e6);
                ceilingCpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
                cpu = Process.GetCurrentProcess().TotalProcessorTime;
                check.Add(bytes / await TimeAsync(async () =>
                {
                    var pieces = await storage.CheckAsync();
                    if (pieces.Count != torrent.Info.PieceCount) throw new InvalidOperationException("the check found bad pieces");
                }) / 1e6);
                checkCpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
                sha1sum.Add(bytes / Time(() => Run("sha1sum", path)) / 1e6);
            }
            Console.WriteLine();
            Console.WriteLine("| contestant | MB/s, median (min–max) |");
            Console.WriteLine("|---|---:|");
            Row($"SHA-1 ceiling, {Environment.ProcessorCount} threads hashing memory", ceiling);
            Row($"TorrentStorage.CheckAsync ({Environment.ProcessorCount} workers, streaming reads)", check);
            Row("sha1sum of the file (one core)", sha1sum);
            var ratios = check.Select((c, i) => c / ceiling[i]).Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"\ncheck / ceiling per round: median {ratios[ratios.Length / 2]:P0} ({ratios[0]:P0}–{ratios[^1]:P0})"));
            var cpuRatios = checkCpu.Select((c, i) => ceilingCpu[i] / c).Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"CPU seconds per round: ceiling {string.Join(", ", ceilingCpu.Select(c => c.ToString("F2", CultureInfo.InvariantCulture)))}; check {string.Join(", ", checkCpu.Select(c => c.ToString("F2", CultureInfo.InvariantCulture)))}; ceiling CPU / check CPU median {cpuRatios[cpuRatios.Length / 2]:P0}"));
            return 0;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void Row(string name, List<double> values)
    {
        var sorted = values.Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {sorted[sorted.Length / 2]:F0} ({sorted[0]:F0}–{sorted[^1]:F0}) |"));
    }

    private static void WriteContent(string path, long bytes)
    {
        var block = new byte[1 << 20];
        new Random(1).NextBytes(block);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        for (long written = 0; written < bytes; written += block.Length)
        {
            block[0]++; // every block differs
            stream.Write(block, 0, (int)Math.Min(block.Length, bytes - written));
        }
    }

    /// <summary>One thread per core hashes 1 MiB chunks of a shared in-memory buffer until <paramref name="bytes"/> are hashed in all.</summary>
    private static void HashInMemory(long bytes)
    {
        var buffer = MemoryContent.Value;
        long next = -1;
        long chunks = bytes >> 20;
        var threads = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new Thread(() =>
        {
            Span<byte> hash = stackalloc byte[20];
            for (long c = Interlocked.Increment(ref next); c < chunks; c = Interlocked.Increment(ref next))
                SHA1.HashData(buffer.AsSpan((int)(c % 64) << 20, 1 << 20), hash);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
    }

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        await action();
        return watch.Elapsed.TotalSeconds;
    }

    private static void Run(string program, string argument)
    {
        using var process = Process.Start(new ProcessStartInfo(program, [argument]) { RedirectStandardOutput = true })
            ?? throw new InvalidOperationException($"cannot start {program}");
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
    }
}
