namespace BitTorrent.Client;

/// <summary>
/// The block bookkeeping of one piece being downloaded: each 16 KiB block is free, requested (from one peer, or in
/// end-game from several) or received (from one peer). Pooled and reused by <see cref="PiecePicker"/>.
/// Not thread-safe: owned by the torrent's loop.
/// </summary>
internal sealed class DownloadingPiece(int maxBlocks)
{
    private readonly BlockState[] _states = new BlockState[maxBlocks];
    private readonly PeerHandle[] _peers = new PeerHandle[maxBlocks];
    private List<(int Block, PeerHandle Peer)>? _duplicates; // end-game requests beyond the first, per block

    public int Index { get; private set; }
    public int BlockCount { get; private set; }
    public int FreeCount { get; private set; }
    public int ReceivedCount { get; private set; }

    /// <summary>The peer that most recently took blocks of this piece (piece affinity).</summary>
    public PeerHandle LastPeer { get; private set; }

    /// <summary>This piece's slot in the picker's list of pieces with free blocks, or -1.</summary>
    public int OpenSlot { get; set; } = -1;

    public bool IsComplete => ReceivedCount == BlockCount;

    public void Reset(int index, int blockCount)
    {
        Index = index;
        BlockCount = blockCount;
        FreeCount = blockCount;
        ReceivedCount = 0;
        OpenSlot = -1;
        LastPeer = default;
        _states.AsSpan(0, blockCount).Clear();
        _duplicates?.Clear();
    }

    public BlockState State(int block) => _states[block];

    /// <summary>The first requester of a requested block, or the sender of a received one.</summary>
    public PeerHandle Peer(int block) => _peers[block];

    /// <summary>Marks a free block requested from <paramref name="peer"/>.</summary>
    public void Request(int block, PeerHandle peer)
    {
        _states[block] = BlockState.Requested;
        _peers[block] = peer;
        LastPeer = peer;
        FreeCount--;
    }

    /// <summary>The number of peers a requested block is outstanding with.</summary>
    public int RequestCount(int block)
    {
        if (_states[block] != BlockState.Requested) return 0;
        int n = 1;
        if (_duplicates is null) return n;
        foreach (var (b, _) in _duplicates) if (b == block) n++;
        return n;
    }

    /// <summary>True when <paramref name="peer"/> has block <paramref name="block"/> outstanding.</summary>
    public bool IsRequestedFrom(int block, PeerHandle peer)
    {
        if (_states[block] != BlockState.Requested) return false;
        if (_peers[block] == peer) return true;
        return _duplicates?.Contains((block, peer)) == true;
    }

    /// <summary>Writes the peers a requested block is outstanding with into <paramref name="into"/>.</summary>
    public void Requesters(int block, List<PeerHandle> into)
    {
        into.Clear();
        if (_states[block] != BlockState.Requested) return;
        into.Add(_peers[block]);
        if (_duplicates is null) return;
        foreach (var (b, peer) in _duplicates) if (b == block) into.Add(peer);
    }

    /// <summary>Adds an end-game duplicate request of a requested block.</summary>
    public void Duplicate(int block, PeerHandle peer)
    {
        (_duplicates ??= []).Add((block, peer));
        LastPeer = peer;
    }

    /// <summary>Drops <paramref name="peer"/>'s request of <paramref name="block"/>; true when the block became free.</summary>
    public bool Release(int block, PeerHandle peer)
    {
        if (_states[block] != BlockState.Requested) return false;
        if (_peers[block] != peer)
        {
            _duplicates?.Remove((block, peer));
            return false;
        }
        if (_duplicates is not null)
        {
            for (int i = 0; i < _duplicates.Count; i++)
            {
                if (_duplicates[i].Block != block) continue;
                _peers[block] = _duplicates[i].Peer; // a duplicate becomes the block's first request
                _duplicates.RemoveAt(i);
                return false;
            }
        }
        _states[block] = BlockState.Free;
        _peers[block] = default;
        FreeCount++;
        return true;
    }

    /// <summary>
    /// Marks a block received from <paramref name="peer"/>, writing the other peers it was requested from into
    /// <paramref name="others"/> (those requests are to be cancelled); returns their number.
    /// </summary>
    public int Receive(int block, PeerHandle peer, List<PeerHandle> others)
    {
        others.Clear();
        if (_states[block] == BlockState.Requested)
        {
            if (_peers[block] != peer) others.Add(_peers[block]);
            if (_duplicates is not null)
            {
                for (int i = _duplicates.Count - 1; i >= 0; i--)
                {
                    if (_duplicates[i].Block != block) continue;
                    if (_duplicates[i].Peer != peer) others.Add(_duplicates[i].Peer);
                    _duplicates.RemoveAt(i);
                }
            }
        }
        else FreeCount--;
        _states[block] = BlockState.Received;
        _peers[block] = peer;
        ReceivedCount++;
        return others.Count;
    }

    /// <summary>The distinct peers that sent this piece's received blocks.</summary>
    public PeerHandle[] Contributors()
    {
        var set = new HashSet<PeerHandle>();
        for (int b = 0; b < BlockCount; b++) if (_states[b] == BlockState.Received) set.Add(_peers[b]);
        return [.. set];
    }
}

/// <summary>The state of one block of a <see cref="DownloadingPiece"/>.</summary>
internal enum BlockState : byte
{
    /// <summary>Not requested from anyone.</summary>
    Free,

    /// <summary>Requested and not yet received.</summary>
    Requested,

    /// <summary>Received (awaiting the piece's hash check).</summary>
    Received,
}
