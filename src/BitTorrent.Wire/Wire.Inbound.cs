using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Extensions.Logging;

namespace BitTorrent.Wire;

public sealed partial class Wire
{
    private bool _peerHandshakeReceived;

    /// <summary>The peer sent a keep-alive.</summary>
    public event EventHandler? KeepAliveReceived;

    /// <summary>A message with an unknown id arrived (it is otherwise ignored, as BEP 3 asks).</summary>
    public event EventHandler<UnknownMessageEventArgs>? UnknownMessageReceived;

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                if (_outbound.IsCongested) await _outbound.WaitForDrainAsync().ConfigureAwait(false);
                var result = await _input.ReadAsync(_closing.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                var consumed = Process(buffer);
                if (IsClosed) break;
                _input.AdvanceTo(consumed, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    Close(WireCloseReason.RemoteEnd, "the peer closed the connection", null);
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            Close(WireCloseReason.TransportError, ex.Message, ex);
        }
        catch (Exception ex)
        {
            // An event handler or extension hook threw on the read loop: this wire cannot go on, the process can.
            _logger.LogWarning(ex, "a wire event handler threw; closing the wire");
            Close(WireCloseReason.ApplicationError, ex.Message, ex);
        }
        finally
        {
            await _input.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Handles every complete message in <paramref name="buffer"/>; returns where the unconsumed bytes start.</summary>
    private SequencePosition Process(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (!IsClosed)
        {
            if (!_peerHandshakeReceived)
            {
                if (!TryReadHandshake(ref reader)) break;
                continue;
            }
            if (!reader.TryReadBigEndian(out int length)) break;
            if (length < 0 || length > _options.MaxMessageLength)
            {
                Close(WireCloseReason.MessageTooLarge, $"frame of {(uint)length} bytes exceeds {_options.MaxMessageLength}", null);
                break;
            }
            if (reader.Remaining < length)
            {
                reader.Rewind(4);
                break;
            }
            if (length == 0)
            {
                KeepAliveReceived?.Invoke(this, EventArgs.Empty);
                continue;
            }
            reader.TryRead(out byte id);
            var payload = reader.UnreadSequence.Slice(0, length - 1);
            reader.Advance(length - 1);
            HandleMessage((MessageId)id, payload);
        }
        return reader.Position;
    }

    private bool TryReadHandshake(ref SequenceReader<byte> reader)
    {
        if (reader.Remaining == 0) return false;
        reader.TryPeek(out byte pstrlen);
        if (pstrlen != 19)
        {
            Close(WireCloseReason.InvalidHandshake, $"protocol name length {pstrlen}, expected 19", null);
            return false;
        }
        if (reader.Remaining < MessageWriter.HandshakeLength)
        {
            Span<byte> head = stackalloc byte[20];
            int available = (int)Math.Min(reader.Remaining, 20);
            reader.UnreadSequence.Slice(0, available).CopyTo(head);
            if (!MessageWriter.ProtocolName[..(available - 1)].SequenceEqual(head[1..available]))
                Close(WireCloseReason.InvalidHandshake, "not the BitTorrent protocol", null);
            return false;
        }
        Span<byte> handshake = stackalloc byte[MessageWriter.HandshakeLength];
        reader.TryCopyTo(handshake);
        reader.Advance(MessageWriter.HandshakeLength);
        if (!handshake.Slice(1, 19).SequenceEqual(MessageWriter.ProtocolName))
        {
            Close(WireCloseReason.InvalidHandshake, "not the BitTorrent protocol", null);
            return false;
        }
        _peerHandshakeReceived = true;
        OnHandshake(new HandshakeEventArgs(new InfoHash(handshake.Slice(28, 20)), new PeerId(handshake.Slice(48, 20)),
            MessageWriter.ReadReserved(handshake.Slice(20, 8))));
        return true;
    }

    private void HandleMessage(MessageId id, ReadOnlySequence<byte> payload)
    {
        int length = (int)payload.Length;
        switch (id)
        {
            case MessageId.Choke:
                if (Expect(id, length, 0)) OnPeerChoke();
                break;
            case MessageId.Unchoke:
                if (Expect(id, length, 0)) OnPeerUnchoke();
                break;
            case MessageId.Interested:
                if (Expect(id, length, 0)) OnPeerInterested(true);
                break;
            case MessageId.NotInterested:
                if (Expect(id, length, 0)) OnPeerInterested(false);
                break;
            case MessageId.Have:
                if (Expect(id, length, 4)) OnHave(ReadInt(payload, 0));
                break;
            case MessageId.Bitfield:
                OnBitfield(payload);
                break;
            case MessageId.Request:
                if (Expect(id, length, 12)) OnRequest(ReadBlock(payload));
                break;
            case MessageId.Piece:
                if (length < 8) Close(WireCloseReason.InvalidMessage, $"piece message of {length} bytes", null);
                else OnPiece(ReadInt(payload, 0), ReadInt(payload, 4), payload.Slice(8));
                break;
            case MessageId.Cancel:
                if (Expect(id, length, 12)) OnCancel(ReadBlock(payload));
                break;
            case MessageId.Port:
                if (Expect(id, length, 2)) OnPort(payload);
                break;
            case MessageId.Suggest:
                if (RequireFast(id) && Expect(id, length, 4)) OnSuggest(ReadInt(payload, 0));
                break;
            case MessageId.HaveAll:
                if (RequireFast(id) && Expect(id, length, 0)) OnHaveAll();
                break;
            case MessageId.HaveNone:
                if (RequireFast(id) && Expect(id, length, 0)) OnHaveNone();
                break;
            case MessageId.Reject:
                if (RequireFast(id) && Expect(id, length, 12)) OnReject(ReadBlock(payload));
                break;
            case MessageId.AllowedFast:
                if (RequireFast(id) && Expect(id, length, 4)) OnAllowedFast(ReadInt(payload, 0));
                break;
            case MessageId.Extended:
                if (length < 1) Close(WireCloseReason.InvalidMessage, "extended message without an id", null);
                else OnExtended(payload);
                break;
            default:
                _logger.LogDebug("unknown message id {Id} ({Length} bytes)", (byte)id, length);
                UnknownMessageReceived?.Invoke(this, new UnknownMessageEventArgs((byte)id, payload.ToArray()));
                break;
        }
    }

    private bool Expect(MessageId id, int length, int expected)
    {
        if (length == expected) return true;
        Close(WireCloseReason.InvalidMessage, $"{id} payload of {length} bytes, expected {expected}", null);
        return false;
    }

    private bool RequireFast(MessageId id)
    {
        if (HasFast) return true;
        Close(WireCloseReason.ProtocolViolation, $"{id} without the Fast Extension negotiated", null);
        return false;
    }

    private bool CheckPieceIndex(MessageId id, int index)
    {
        int limit = _options.PieceCount ?? BitField.DefaultMaxLength;
        if ((uint)index < (uint)limit) return true;
        Close(WireCloseReason.InvalidMessage, $"{id} for piece {(uint)index}, outside 0..{limit - 1}", null);
        return false;
    }

    private static int ReadInt(ReadOnlySequence<byte> payload, int offset)
    {
        var slice = payload.Slice(offset, 4);
        if (slice.IsSingleSegment) return BinaryPrimitives.ReadInt32BigEndian(slice.FirstSpan);
        Span<byte> bytes = stackalloc byte[4];
        slice.CopyTo(bytes);
        return BinaryPrimitives.ReadInt32BigEndian(bytes);
    }

    private static BlockRequest ReadBlock(ReadOnlySequence<byte> payload)
    {
        Span<byte> bytes = stackalloc byte[12];
        payload.CopyTo(bytes);
        return new BlockRequest(BinaryPrimitives.ReadInt32BigEndian(bytes), BinaryPrimitives.ReadInt32BigEndian(bytes[4..]),
            BinaryPrimitives.ReadInt32BigEndian(bytes[8..]));
    }

    private void OnPort(ReadOnlySequence<byte> payload)
    {
        Span<byte> bytes = stackalloc byte[2];
        payload.CopyTo(bytes);
        PortReceived?.Invoke(this, new PortEventArgs(BinaryPrimitives.ReadUInt16BigEndian(bytes)));
    }

    private void OnExtended(ReadOnlySequence<byte> payload)
    {
        int length = (int)payload.Length - 1;
        byte[]? rented = null;
        Span<byte> body = length <= 512 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            payload.Slice(1).CopyTo(body);
            OnExtendedMessage(payload.FirstSpan[0], body);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void CopyTo(ReadOnlySequence<byte> source, Span<byte> destination)
    {
        if (source.IsSingleSegment) source.FirstSpan.CopyTo(destination);
        else source.CopyTo(destination);
    }

    private static byte[] ToArray(ReadOnlySequence<byte> source)
    {
        var array = GC.AllocateUninitializedArray<byte>((int)source.Length);
        CopyTo(source, array);
        return array;
    }
}
