using BitTorrent.Wire;

namespace BitTorrent.Client;

/// <summary>
/// What the <see cref="PiecePicker"/> knows of one peer: the pieces it has (its own copy, so that availability is
/// undone exactly on disconnect), its outstanding requests and its suggestions. Not thread-safe.
/// </summary>
internal sealed class PickerPeer(int pieceCount)
{
    /// <summary>The most suggestions remembered per peer (the oldest is forgotten first).</summary>
    public const int MaxSuggestions = 16;

    private ulong[] _bits = [];

    /// <summary>The pieces the peer has, when it is not a seed.</summary>
    public int PieceCountHeld { get; private set; }

    /// <summary>True after have-all, until a donthave.</summary>
    public bool IsSeed { get; private set; }

    /// <summary>The blocks requested from this peer and not yet received, failed or released.</summary>
    public HashSet<BlockRequest> Outstanding { get; } = [];

    /// <summary>Pieces the peer suggested (BEP 6), oldest first.</summary>
    public List<int> Suggested { get; } = [];

    public bool Has(int piece) => IsSeed || (_bits.Length != 0 && (_bits[piece >> 6] & (1UL << (piece & 63))) != 0);

    /// <summary>Sets the bit; false when it was set already.</summary>
    public bool Add(int piece)
    {
        if (IsSeed) return false;
        if (_bits.Length == 0) _bits = new ulong[(pieceCount + 63) >> 6];
        ref ulong word = ref _bits[piece >> 6];
        ulong mask = 1UL << (piece & 63);
        if ((word & mask) != 0) return false;
        word |= mask;
        PieceCountHeld++;
        return true;
    }

    /// <summary>Clears the bit; false when it was clear already. A seed first becomes explicit bits.</summary>
    public bool Remove(int piece)
    {
        if (IsSeed)
        {
            IsSeed = false;
            _bits = new ulong[(pieceCount + 63) >> 6];
            for (int i = 0; i < pieceCount; i++) _bits[i >> 6] |= 1UL << (i & 63);
            PieceCountHeld = pieceCount;
        }
        if (_bits.Length == 0) return false;
        ref ulong word = ref _bits[piece >> 6];
        ulong mask = 1UL << (piece & 63);
        if ((word & mask) == 0) return false;
        word &= ~mask;
        PieceCountHeld--;
        return true;
    }

    /// <summary>Becomes a seed (have-all); the explicit bits are dropped.</summary>
    public void BecomeSeed()
    {
        IsSeed = true;
        _bits = [];
        PieceCountHeld = 0;
    }

    /// <summary>Forgets every piece (have-none, or before a bitfield replaces the set).</summary>
    public void Clear()
    {
        IsSeed = false;
        if (_bits.Length != 0) Array.Clear(_bits);
        PieceCountHeld = 0;
    }

    public void Suggest(int piece)
    {
        if (Suggested.Contains(piece)) return;
        if (Suggested.Count == MaxSuggestions) Suggested.RemoveAt(0);
        Suggested.Add(piece);
    }
}
