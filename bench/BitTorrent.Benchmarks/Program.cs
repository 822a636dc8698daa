using BenchmarkDotNet.Running;

namespace BitTorrent.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project bench/BitTorrent.Benchmarks -- --filter '*'</c>, <c>-- transfer</c>, <c>-- recheck</c>, <c>-- idle-wires</c> or <c>-- idle-torrents</c>.</summary>
public static class Program
{
    /// <summary>Runs the loopback transfer benchmark (<c>transfer</c>), the storage re-check benchmark (<c>recheck</c>), the idle-wire and idle-torrent measures (<c>idle-wires</c>, <c>idle-torrents</c>), or the BenchmarkDotNet switcher over every benchmark here.</summary>
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "transfer") return await Transfer.TransferBenchmark.RunAsync(args[1..]);
        if (args.Length > 0 && args[0] == "recheck") return await Storage.RecheckBenchmark.RunAsync(args[1..]);
        if (args.Length > 0 && args[0] == "idle-wires") return await Idle.IdleWiresBenchmark.RunAsync(args[1..]);
        if (args.Length > 0 && args[0] == "idle-torrents") return await Idle.IdleTorrentsBenchmark.RunAsync(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
