using BitTorrent.Client;
using BitTorrent.Wire;
using static BitTorrent.Client.Tests.Picking.PickerTestKit;

namespace BitTorrent.Client.Tests.Picking;

/// <summary>
/// Random torrents, peer sets, priorities, arrival orders, rejects and hash failures (seeded, so reproducible): the
/// picker's bookkeeping must match a model of what is in flight at every step.
/// </summary>
public class PiecePickerPropertyTests
{
    [Fact]
    public void Every_wanted_available_block_completes_once_and_nothing_unwanted_is_requested()
    {
        for (int seed = 0; seed < 200; seed++) new Simulation(seed).Run();
    }

    private sealed class Simulation
    {
        private readonly Random _rng;
        private readonly PiecePicker _picker;
        private readonly List<(PeerHandle Peer, BitField Pieces)> _peers = [];
        private readonly List<(PeerHandle Peer, BlockRequest Block)> _inFlight = [];
        private readonly Dictionary<BlockRequest, PeerHandle> _received = [];
        private readonly HashSet<int> _failedOnce = [];
        private readonly byte[] _priority;

        public Simulation(int seed)
        {
            _rng = new Random(seed);
            int pieceLength = _rng.Next(1, 5) * Block - (_rng.Next(3) == 0 ? _rng.Next(1, Block) : 0);
            int pieces = _rng.Next(1, 30);
            long total = (long)(pieces - 1) * pieceLength + _rng.Next(1, pieceLength + 1);
            _picker = new PiecePicker(pieces, pieceLength, total,
                new PiecePickerOptions { RandomSeed = seed, InitialRandomPieces = _rng.Next(0, 5), EndGameRequestsPerBlock = _rng.Next(1, 4) });
            _picker.Sequential = _rng.Next(4) == 0;
            _priority = [.. Enumerable.Range(0, pieces).Select(_ => (byte)(_rng.Next(5) == 0 ? 0 : _rng.Next(1, 8)))];
            _picker.SetPiecePriorities(_priority);
            for (int p = 0; p < pieces; p++) if (_rng.Next(6) == 0) _picker.OnPieceVerified(p);
            int peers = _rng.Next(1, 7);
            for (int i = 0; i < peers; i++)
            {
                var handle = P(i);
                _picker.AddPeer(handle);
                var field = new BitField(pieces);
                if (_rng.Next(4) == 0) { field.SetAll(); _picker.OnHaveAll(handle); }
                else
                {
                    double density = _rng.NextDouble();
                    for (int p = 0; p < pieces; p++) if (_rng.NextDouble() < density) field.Set(p);
                    _picker.OnBitfield(handle, field);
                }
                _peers.Add((handle, field));
            }
        }

        public void Run()
        {
            for (int step = 0; step < 100_000; step++)
            {
                int action = _rng.Next(10);
                if (action < 4) Pick(_peers[_rng.Next(_peers.Count)], _rng.Next(1, 9));
                else if (action < 9 && _inFlight.Count > 0) Deliver(_rng.Next(_inFlight.Count));
                else if (_inFlight.Count > 0) Reject(_rng.Next(_inFlight.Count));
                if (_inFlight.Count == 0 && !_peers.Any(peer => Pick(peer, 500) > 0)) break;
            }
            Assert.Empty(_inFlight);
            for (int p = 0; p < _picker.PieceCount; p++)
            {
                bool available = _peers.Any(peer => peer.Pieces.Get(p));
                if (_priority[p] != 0 && available) Assert.True(_picker.HasPiece(p), $"piece {p} was never completed");
            }
            Assert.Equal(Enumerable.Range(0, _picker.PieceCount).All(p => _priority[p] == 0 || _picker.HasPiece(p)), _picker.IsFinished);
        }

        private int Pick((PeerHandle Peer, BitField Pieces) peer, int count)
        {
            var buffer = new BlockRequest[count];
            int n = _picker.PickBlocks(peer.Peer, false, null, buffer);
            bool endGame = _picker.IsEndGame; // a pick may take the last free blocks and then duplicate (end-game only)
            foreach (var block in buffer.AsSpan(0, n))
            {
                Assert.True(peer.Pieces.Get(block.Index), "a block of a piece the peer lacks");
                Assert.NotEqual(0, _priority[block.Index]);
                Assert.False(_picker.HasPiece(block.Index), "a block of a verified piece");
                Assert.False(_received.ContainsKey(block), "a received block requested again");
                Assert.DoesNotContain((peer.Peer, block), _inFlight);
                if (!endGame) Assert.DoesNotContain(_inFlight, f => f.Block == block);
                _inFlight.Add((peer.Peer, block));
            }
            Assert.Equal(_inFlight.Count(f => f.Peer == peer.Peer), _picker.OutstandingRequests(peer.Peer));
            return n;
        }

        private void Deliver(int index)
        {
            var (peer, block) = _inFlight[index];
            _inFlight.RemoveAt(index);
            var receipt = _picker.OnBlockReceived(peer, block);
            Assert.Equal(BlockStatus.Accepted, receipt.Status);
            Assert.True(_received.TryAdd(block, peer), "a block accepted twice");
            var others = _inFlight.Where(f => f.Block == block).Select(f => f.Peer).Sorted();
            Assert.Equal(others, receipt.Cancel.ToArray().Sorted());
            _inFlight.RemoveAll(f => f.Block == block); // the cancels are honoured
            if (!receipt.PieceComplete) return;
            int piece = block.Index;
            if (_failedOnce.Add(piece) && _rng.Next(3) == 0)
            {
                var senders = _received.Where(r => r.Key.Index == piece).Select(r => r.Value).Distinct().Sorted();
                Assert.Equal(senders, _picker.OnPieceFailed(piece).Sorted());
                foreach (var key in _received.Keys.Where(k => k.Index == piece).ToArray()) _received.Remove(key);
            }
            else _picker.OnPieceVerified(piece);
        }

        private void Reject(int index)
        {
            var (peer, block) = _inFlight[index];
            _inFlight.RemoveAt(index);
            Assert.True(_picker.OnBlockFailed(peer, block));
        }
    }
}
