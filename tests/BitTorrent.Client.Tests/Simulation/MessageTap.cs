using System.Buffers.Binary;
using System.Net;
using BitTorrent.Wire;

namespace BitTorrent.Client.Tests.Simulation;

/// <summary>One peer wire message seen on a simulated link when it reached its receiver.</summary>
/// <param name="Time">Virtual time of the delivery.</param>
/// <param name="From">The sender's listen address.</param>
/// <param name="To">The receiver's listen address.</param>
/// <param name="Id">The message.</param>
/// <param name="Index">The piece index of have, request, piece, cancel, reject, suggest and allowed-fast; else -1.</param>
/// <param name="Begin">The block offset of request, piece, cancel and reject; else -1.</param>
internal readonly record struct TappedMessage(TimeSpan Time, IPEndPoint From, IPEndPoint To, MessageId Id, int Index, int Begin);

/// <summary>
/// Reads one direction of a plaintext connection as it is delivered: skips the 68-byte handshake, then frames
/// (4-byte length, id, payload) across any chunking, and reports each message's id and its first payload fields.
/// Payloads (pieces, bitfields, extended messages) are skipped without copying.
/// </summary>
internal sealed class MessageTap(Action<MessageId, int, int> message)
{
    private const int HandshakeLength = 68;
    private readonly byte[] _header = new byte[4 + 1 + 8]; // length, id, index, begin
    private int _handshakeLeft = HandshakeLength;
    private int _headerFilled;
    private int _headerWanted = 4;
    private long _skip;

    public void Feed(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_handshakeLeft > 0)
            {
                int n = Math.Min(_handshakeLeft, bytes.Length);
                _handshakeLeft -= n;
                bytes = bytes[n..];
                continue;
            }
            if (_skip > 0)
            {
                int n = (int)Math.Min(_skip, bytes.Length);
                _skip -= n;
                bytes = bytes[n..];
                continue;
            }
            int take = Math.Min(_headerWanted - _headerFilled, bytes.Length);
            bytes[..take].CopyTo(_header.AsSpan(_headerFilled));
            _headerFilled += take;
            bytes = bytes[take..];
            if (_headerFilled < _headerWanted) continue;
            uint length = BinaryPrimitives.ReadUInt32BigEndian(_header);
            if (_headerWanted == 4)
            {
                if (length == 0) { _headerFilled = 0; continue; } // keep-alive
                _headerWanted = 4 + (int)Math.Min(length, 9);
                continue;
            }
            var id = (MessageId)_header[4];
            int index = length >= 5 ? BinaryPrimitives.ReadInt32BigEndian(_header.AsSpan(5)) : -1;
            int begin = length >= 9 ? BinaryPrimitives.ReadInt32BigEndian(_header.AsSpan(9)) : -1;
            if (id is MessageId.Bitfield or MessageId.Extended or MessageId.Port) index = begin = -1;
            if (id is MessageId.Have or MessageId.Suggest or MessageId.AllowedFast) begin = -1;
            message(id, index, begin);
            _skip = length - (_headerWanted - 4);
            _headerFilled = 0;
            _headerWanted = 4;
        }
    }
}
