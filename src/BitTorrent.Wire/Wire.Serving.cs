using System.Buffers;

namespace BitTorrent.Wire;

/// <summary>
/// Serving the peer's requests with backpressure: requests are handed to <see cref="RequestHandler"/> (or
/// <see cref="BlockReader"/>) only while the
/// bytes queued for sending plus those being served stay under <see cref="WireOptions.OutboundHighWater"/>; the rest
/// wait (at most our <c>reqq</c>) until the send loop drains. Reading never waits on it.
/// </summary>
public sealed partial class Wire
{
    /// <summary>
    /// Hands queued peer requests to the handler while the bytes waiting to be sent plus those being served stay under
    /// <see cref="WireOptions.OutboundHighWater"/>. Runs on the event loop.
    /// </summary>
    private void ServeQueued()
    {
        while (true)
        {
            BlockRequest request;
            Func<BlockRequest, CancellationToken, ValueTask<ReadOnlyMemory<byte>>>? handler;
            Func<BlockRequest, Memory<byte>, CancellationToken, ValueTask>? reader;
            lock (_gate)
            {
                _servePosted = false;
                handler = RequestHandler;
                reader = BlockReader;
                if (_closed || (handler is null && reader is null) || _serveQueue.Count == 0) return;
                if (_outbound.Buffered + _servingBytes >= _options.OutboundHighWater) return;
                request = _serveQueue.Dequeue();
                // Cancelled, rejected or dropped by a choke while it waited.
                if (!_peerRequests.Contains(request)) continue;
                _servingBytes += request.Length;
            }
            if (reader is not null) ServeInto(reader, request);
            else Serve(handler!, request);
        }
    }

    /// <summary>Serving may continue: run <see cref="ServeQueued"/> on the event loop if requests wait.</summary>
    private void PostServe()
    {
        lock (_gate)
        {
            if (_servePosted || _serveQueue.Count == 0 || _outbound.Buffered + _servingBytes >= _options.OutboundHighWater) return;
            _servePosted = true;
        }
        Post(ServeQueued);
    }

    private void OnOutboundWritten() => PostServe();

    private void Serve(Func<BlockRequest, CancellationToken, ValueTask<ReadOnlyMemory<byte>>> handler, BlockRequest request)
    {
        ValueTask<ReadOnlyMemory<byte>> answer;
        try
        {
            answer = handler(request, _closing.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Answer(request, default, failed: true, onEventLoop: true);
            return;
        }
        if (answer.IsCompletedSuccessfully) Answer(request, answer.Result.Span, failed: false, onEventLoop: true);
        else _ = ServeAsync(answer, request);
    }

    private async Task ServeAsync(ValueTask<ReadOnlyMemory<byte>> answer, BlockRequest request)
    {
        ReadOnlyMemory<byte> block;
        try
        {
            block = await answer.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Answer(request, default, failed: true, onEventLoop: false);
            return;
        }
        Answer(request, block.Span, failed: false, onEventLoop: false);
    }

    private void ServeInto(Func<BlockRequest, Memory<byte>, CancellationToken, ValueTask> reader, BlockRequest request)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(request.Length);
        ValueTask reading;
        try
        {
            reading = reader(request, buffer.AsMemory(0, request.Length), _closing.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Answer(request, default, failed: true, onEventLoop: true);
            return;
        }
        if (reading.IsCompletedSuccessfully)
        {
            Answer(request, buffer.AsSpan(0, request.Length), failed: false, onEventLoop: true);
            ArrayPool<byte>.Shared.Return(buffer);
        }
        else _ = ServeIntoAsync(reading, buffer, request);
    }

    private async Task ServeIntoAsync(ValueTask reading, byte[] buffer, BlockRequest request)
    {
        bool failed = false;
        try
        {
            await reading.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            failed = true;
        }
        Answer(request, failed ? default : buffer.AsSpan(0, request.Length), failed, onEventLoop: false);
        ArrayPool<byte>.Shared.Return(buffer);
    }

    /// <summary>The handler answered (or failed): send the block or refuse, and let the next requests in.</summary>
    private void Answer(BlockRequest request, ReadOnlySpan<byte> block, bool failed, bool onEventLoop)
    {
        bool sent = false;
        if (failed || block.Length != request.Length)
        {
            lock (_gate)
            {
                _servingBytes -= request.Length;
                if (_peerRequests.Remove(request) && !_closed && HasFast) SendBlock(MessageId.Reject, request);
            }
        }
        else
        {
            Span<byte> header = stackalloc byte[13];
            MessageWriter.WritePieceHeader(header, request.Index, request.Begin, block.Length);
            lock (_gate)
            {
                _servingBytes -= request.Length;
                // Cancelled, rejected or dropped by a choke in the meantime: send nothing.
                sent = !_closed && _peerRequests.Remove(request) && _outbound.Enqueue(header, block);
            }
        }
        if (sent) CountUpload(block.Length, onEventLoop);
        if (!onEventLoop) PostServe();
    }
}
