using BenchmarkDotNet.Running;

namespace BitTorrent.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project bench/BitTorrent.Benchmarks -- --filter '*'</c>.</summary>
public static class Program
{
    /// <summary>Runs the BenchmarkDotNet switcher over every benchmark in this assembly.</summary>
    public static int Main(string[] args)
    {
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
