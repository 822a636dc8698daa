using System.Diagnostics;
using System.Security.Cryptography;

namespace BitTorrent.Fuzz;

/// <summary>
/// An in-process mutation fuzzer for machines without AFL: random byte-level mutations of the corpus (flips, interesting
/// values, inserts, deletes, splices), no coverage feedback. Findings are saved under their SHA-1.
/// </summary>
public static class MutationLoop
{
    private static readonly byte[] Interesting = [0, 1, 0x7f, 0x80, 0xff, (byte)'e', (byte)'i', (byte)'l', (byte)'d', (byte)':', (byte)'0', (byte)'9', (byte)'-'];

    /// <summary>Runs <paramref name="targetName"/> for <paramref name="duration"/>; returns 1 if anything was found.</summary>
    public static int Run(string targetName, TimeSpan duration, string corpusDirectory, string findingsDirectory, TextWriter log)
    {
        var target = FuzzTargets.Get(targetName);
        var corpus = Replay.Files([corpusDirectory]).Select(File.ReadAllBytes).ToList();
        if (corpus.Count == 0) corpus.Add([]);
        var random = new Random(Environment.TickCount);
        var clock = Stopwatch.StartNew();
        long executions = 0, findings = 0;
        while (clock.Elapsed < duration)
        {
            var input = Mutate(corpus[random.Next(corpus.Count)], corpus[random.Next(corpus.Count)], random);
            executions++;
            try
            {
                target(input);
            }
            catch (Exception e)
            {
                findings++;
                Directory.CreateDirectory(findingsDirectory);
                var path = Path.Combine(findingsDirectory, Convert.ToHexStringLower(SHA1.HashData(input)));
                if (!File.Exists(path)) log.WriteLine($"finding {path}: {e.GetType().Name}: {e.Message}");
                File.WriteAllBytes(path, input);
            }
        }
        log.WriteLine($"{targetName}: {executions} executions in {clock.Elapsed.TotalSeconds:F0} s ({executions / clock.Elapsed.TotalSeconds:F0}/s), {findings} failing executions");
        return findings == 0 ? 0 : 1;
    }

    private static byte[] Mutate(byte[] input, byte[] other, Random random)
    {
        var bytes = new List<byte>(input);
        int count = 1 + random.Next(8);
        for (int i = 0; i < count; i++)
        {
            int at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0 when bytes.Count > 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1 when bytes.Count > 0: bytes[at] = Interesting[random.Next(Interesting.Length)]; break;
                case 2: bytes.Insert(at, (byte)random.Next(256)); break;
                case 3 when bytes.Count > 0: bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(16))); break;
                case 4 when other.Length > 0:
                    int from = random.Next(other.Length);
                    bytes.InsertRange(at, other.AsSpan(from, Math.Min(other.Length - from, 1 + random.Next(64))).ToArray());
                    break;
                case 5 when bytes.Count > 0:
                    int length = Math.Min(bytes.Count - at, 1 + random.Next(32));
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                case 6 when bytes.Count > 0: bytes[at] = (byte)(bytes[at] + random.Next(-3, 4)); break;
            }
        }
        return [.. bytes];
    }
}
