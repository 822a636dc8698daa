using BenchmarkDotNet.Running;

namespace BitTorrent.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project bench/BitTorrent.Benchmarks -- --filter '*'</c>, or <c>-- transfer</c>, or <c>-- idle-wires</c>.</summary>
public static class Program
{
    /// <summary>Runs the loopback transfer benchmark (<c>transfer</c>), the idle-wire memory measure (<c>idle-wires</c>), or the BenchmarkDotNet switcher over every benchmark here.</summary>
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "transfer") return await Transfer.TransferBenchmark.RunAsync(args[1..]);
        if (args.Length > 0 && args[0] == "idle-wires") return await Idle.IdleWiresBenchmark.RunAsync(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
