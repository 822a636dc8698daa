using BenchmarkDotNet.Attributes;
using BitTorrent.Encryption;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace BitTorrent.Benchmarks.Encryption;

/// <summary>
/// RC4 throughput on one core: our <see cref="Rc4"/> against BouncyCastle's <c>RC4Engine</c>, in place over a buffer
/// of <see cref="Size"/> bytes (compare with <c>openssl speed -evp rc4</c> on the same machine).
/// </summary>
[MemoryDiagnoser]
public class Rc4Benchmarks
{
    private readonly byte[] _key = Convert.FromHexString("0102030405060708090a0b0c0d0e0f1011121314");
    private byte[] _buffer = [];
    private Rc4 _ours = null!;
    private RC4Engine _bouncyCastle = null!;

    /// <summary>Bytes per call: one 16 KiB block, or 1 MiB.</summary>
    [Params(16 * 1024, 1024 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _buffer = new byte[Size];
        new Random(1).NextBytes(_buffer);
        _ours = new Rc4(_key, discard: 1024);
        _bouncyCastle = new RC4Engine();
        _bouncyCastle.Init(true, new KeyParameter(_key));
    }

    [Benchmark(Baseline = true)]
    public void Ours() => _ours.Transform(_buffer);

    [Benchmark]
    public void BouncyCastleRc4Engine() => _bouncyCastle.ProcessBytes(_buffer, 0, _buffer.Length, _buffer, 0);
}
