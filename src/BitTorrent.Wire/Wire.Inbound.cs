using System.Buffers;
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
                var result = await _input.ReadAsync(_closing.Token).ConfigureAwait(false);
                MarkReceived();
                var buffer = result.Buffer;
                SequencePosition consumed;
                Exception? handlerFailure = null;
                // A handler's exception is caught inside the lock. Thrown through the lock of this async method, it was
                // seen to leave the lock held under load on .NET 10, so the close events waited for it for good (the
                // regression test Handlers_that_throw_on_many_busy_wires_close_every_one_of_them).
                _outbound.DeferWakeUps();
                lock (_eventLock)
                {
                    try
                    {
                        consumed = Process(buffer);
                    }
                    catch (Exception ex)
                    {
                        handlerFailure = ex;
                        consumed = buffer.End;
                    }
                }
                // What this read queued (answers, requests from continuations) is written now, on this thread, rather
                // than by waking the send loop on another: one hand-off less per read.
                _outbound.EndDeferring();
                if (handlerFailure is not null)
                {
                    // An event handler or extension hook threw on the read loop: this wire cannot go on, the process can.
                    _logger.LogWarning(handlerFailure, "a wire event handler threw; closing the wire");
                    Close(WireCloseReason.ApplicationError, handlerFailure.Message, handlerFailure);
                    break;
                }
                if (IsClosed) break;
                _input.AdvanceTo(consumed, buffer.End);
                if (result.IsCompleted)
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
            // The transport failed in a way of its own: this wire cannot go on, the process can.
            _logger.LogWarning(ex, "the wire's transport failed unexpectedly; closing the wire");
            Close(WireCloseReason.TransportError, ex.Message, ex);
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
            var status = MessageReader.TryRead(ref reader, _options.MaxMessageLength, out var message, out string? error);
            if (status == FrameStatus.Incomplete) break;
            if (status != FrameStatus.Complete)
            {
                Close(status == FrameStatus.TooLarge ? WireCloseReason.MessageTooLarge : WireCloseReason.InvalidMessage, error, null);
                break;
            }
            if (message.IsKeepAlive) KeepAliveReceived?.Invoke(this, EventArgs.Empty);
            else HandleMessage(in message);
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
        lock (_gate)
        {
            _peerHandshakeReceived = true;
            StopHandshakeTimer();
        }
        OnHandshake(new HandshakeEventArgs(new InfoHash(handshake.Slice(28, 20)), new PeerId(handshake.Slice(48, 20)),
            MessageWriter.ReadReserved(handshake.Slice(20, 8)), System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(handshake.Slice(20, 8))));
        return true;
    }

    private void HandleMessage(in WireMessage message)
    {
        switch (message.Id)
        {
            case MessageId.Choke: OnPeerChoke(); break;
            case MessageId.Unchoke: OnPeerUnchoke(); break;
            case MessageId.Interested: OnPeerInterested(true); break;
            case MessageId.NotInterested: OnPeerInterested(false); break;
            case MessageId.Have: OnHave(message.Index); break;
            case MessageId.Bitfield: OnBitfield(message.Payload); break;
            case MessageId.Request: OnRequest(message.Block); break;
            case MessageId.Piece: OnPiece(message.Index, message.Begin, message.Payload); break;
            case MessageId.Cancel: OnCancel(message.Block); break;
            case MessageId.Port: PortReceived?.Invoke(this, new PortEventArgs(message.Index)); break;
            case MessageId.Suggest: if (RequireFast(message.Id)) OnSuggest(message.Index); break;
            case MessageId.HaveAll: if (RequireFast(message.Id)) OnHaveAll(); break;
            case MessageId.HaveNone: if (RequireFast(message.Id)) OnHaveNone(); break;
            case MessageId.Reject: if (RequireFast(message.Id)) OnReject(message.Block); break;
            case MessageId.AllowedFast: if (RequireFast(message.Id)) OnAllowedFast(message.Index); break;
            case MessageId.Extended: OnExtended((byte)message.Index, message.Payload); break;
            default:
                _logger.LogDebug("unknown message id {Id} ({Length} bytes)", (byte)message.Id, message.Length);
                UnknownMessageReceived?.Invoke(this, new UnknownMessageEventArgs((byte)message.Id, message.Payload.ToArray()));
                break;
        }
    }

    private bool RequireFast(MessageId id)
    {
        if (HasFast) return true;
        Close(WireCloseReason.ProtocolViolation, $"{id} without the Fast Extension negotiated", null);
        return false;
    }

    private bool CheckPieceIndex(MessageId id, int index)
    {
        int limit = PieceCount ?? PeerPieces.MaxLength;
        if ((uint)index < (uint)limit) return true;
        Close(WireCloseReason.InvalidMessage, $"{id} for piece {(uint)index}, outside 0..{limit - 1}", null);
        return false;
    }

    private void OnExtended(byte id, ReadOnlySequence<byte> payload)
    {
        int length = (int)payload.Length;
        byte[]? rented = null;
        Span<byte> body = length <= 512 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            CopyTo(payload, body);
            OnExtendedMessage(id, body);
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
