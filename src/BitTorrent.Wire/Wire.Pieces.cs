using System.Buffers;

namespace BitTorrent.Wire;

public sealed partial class Wire
{
    private int? _pieceCount;
    private int _peerBitfieldBytes = -1;

    /// <summary>The number of pieces, from <see cref="WireOptions.PieceCount"/> or <see cref="SetPieceCount"/>; null while unknown.</summary>
    public int? PieceCount
    {
        get { lock (_gate) return _pieceCount; }
    }

    /// <summary>
    /// Sets the number of pieces once it is known (a magnet's metadata arrived). What the peer already sent is checked
    /// against it: a bitfield of the wrong size, spare bits set or a have beyond the count close the wire with
    /// <see cref="WireCloseReason.InvalidMessage"/>; a have-all now covers exactly <paramref name="count"/> pieces, so a
    /// later lt_donthave clears one. Setting the same count again does nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">A different count is already set.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Not positive, or above <see cref="BitField.MaxLength"/> of <see cref="PeerPieces"/>.</exception>
    public void SetPieceCount(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, PeerPieces.MaxLength);
        string? violation = null;
        lock (_gate)
        {
            if (_pieceCount == count) return;
            if (_pieceCount is int known) throw new InvalidOperationException($"the piece count is already {known}");
            _pieceCount = count;
            if (_peerBitfieldBytes >= 0 && _peerBitfieldBytes != (count + 7) / 8)
                violation = $"bitfield of {_peerBitfieldBytes} bytes for {count} pieces";
            else if (PeerPieces.AnySetFrom(count))
                violation = $"the peer has pieces beyond the {count} of the torrent";
            else
                PeerPieces.SetLength(count);
        }
        if (violation is not null) Close(WireCloseReason.InvalidMessage, violation, null);
    }

    private void OnHave(int index)
    {
        if (!CheckPieceIndex(MessageId.Have, index)) return;
        lock (_gate)
        {
            if (PeerPieces.Get(index)) return;
            PeerPieces.Set(index);
        }
        HaveReceived?.Invoke(this, new PieceIndexEventArgs(index));
    }

    private void OnBitfield(ReadOnlySequence<byte> payload)
    {
        int length = (int)payload.Length;
        int pieces;
        int? known;
        lock (_gate) known = _pieceCount;
        if (known is int count)
        {
            if (length != (count + 7) / 8)
            {
                Close(WireCloseReason.InvalidMessage, $"bitfield of {length} bytes for {count} pieces", null);
                return;
            }
            pieces = count;
        }
        else
        {
            if (length > (PeerPieces.MaxLength + 7) / 8)
            {
                Close(WireCloseReason.InvalidMessage, $"bitfield of {length} bytes exceeds {PeerPieces.MaxLength} pieces", null);
                return;
            }
            pieces = Math.Min(length * 8, PeerPieces.MaxLength);
        }
        lock (_gate)
        {
            PeerPieces.Load(ToArray(payload), pieces);
            _peerBitfieldBytes = length;
        }
        BitfieldReceived?.Invoke(this, new BitfieldEventArgs(PeerPieces));
    }

    private void OnHaveAll()
    {
        lock (_gate) PeerPieces.SetAll();
        HaveAllReceived?.Invoke(this, EventArgs.Empty);
    }

    private void OnHaveNone()
    {
        lock (_gate) PeerPieces.Clear();
        HaveNoneReceived?.Invoke(this, EventArgs.Empty);
    }

}
