using BenchmarkDotNet.Attributes;
using BitTorrent.Client;
using BitTorrent.Wire;

namespace BitTorrent.Benchmarks.Client;

/// <summary>
/// The piece picker on a torrent of 10,000 pieces of 256 KiB (16 blocks each) with 100 peers (a fifth of them seeds,
/// the others holding 30-95 % of the pieces): a whole download, and one steady-state piece cycle.
/// </summary>
[MemoryDiagnoser]
public class PiecePickerBenchmarks
{
    private const int Pieces = 10_000, PieceLength = 256 * 1024, PeerCount = 100, Blocks = 16;
    private readonly BlockRequest[] _buffer = new BlockRequest[64];
    private readonly BitField[] _fields = new BitField[PeerCount];
    private PiecePicker _picker = null!;
    private int _nextPeer;

    /// <summary>The peers' bitfields (fixed seed).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        for (int i = 0; i < PeerCount; i++)
        {
            _fields[i] = new BitField(Pieces);
            if (i % 5 == 0) { _fields[i].SetAll(); continue; }
            double density = 0.3 + 0.65 * random.NextDouble();
            for (int p = 0; p < Pieces; p++) if (random.NextDouble() < density) _fields[i].Set(p);
        }
        _picker = Build();
        // Steady state: half the torrent is verified.
        var half = new Random(7);
        for (int p = 0; p < Pieces; p++) if (half.Next(2) == 0) _picker.OnPieceVerified(p);
    }

    private PiecePicker Build()
    {
        var picker = new PiecePicker(Pieces, PieceLength, (long)Pieces * PieceLength, new PiecePickerOptions { RandomSeed = 1 });
        for (int i = 0; i < PeerCount; i++)
        {
            picker.AddPeer(new PeerHandle(i));
            picker.OnBitfield(new PeerHandle(i), _fields[i]);
        }
        return picker;
    }

    /// <summary>
    /// A whole download: the peers in turn pick 64 blocks each (PickBlocks), every block arrives (OnBlockReceived) and
    /// every completed piece is verified (OnPieceVerified), until the torrent is finished: 160,000 blocks, including
    /// building the picker and loading 100 bitfields.
    /// </summary>
    [Benchmark]
    public int DownloadAll()
    {
        var picker = Build();
        int blocks = 0;
        while (!picker.IsFinished)
        {
            for (int i = 0; i < PeerCount; i++)
            {
                var peer = new PeerHandle(i);
                int n = picker.PickBlocks(peer, false, null, _buffer);
                for (int b = 0; b < n; b++)
                {
                    var receipt = picker.OnBlockReceived(peer, _buffer[b]);
                    if (receipt.PieceComplete) picker.OnPieceVerified(_buffer[b].Index);
                }
                blocks += n;
            }
        }
        return blocks;
    }

    /// <summary>
    /// One steady-state piece cycle with 5,000 pieces missing: a peer picks a whole piece (16 blocks, rarest first),
    /// receives them, verifies the piece, and the piece is marked lost again so the state does not drain.
    /// </summary>
    [Benchmark]
    public int PickPiece()
    {
        var peer = new PeerHandle(_nextPeer);
        _nextPeer = (_nextPeer + 1) % PeerCount;
        int n = _picker.PickBlocks(peer, false, null, _buffer.AsSpan(0, Blocks));
        for (int b = 0; b < n; b++) _picker.OnBlockReceived(peer, _buffer[b]);
        if (n > 0)
        {
            _picker.OnPieceVerified(_buffer[0].Index);
            _picker.OnPieceLost(_buffer[0].Index);
        }
        return n;
    }
}
