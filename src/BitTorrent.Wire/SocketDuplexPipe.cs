using System.IO.Pipelines;
using System.Net.Sockets;

namespace BitTorrent.Wire;

/// <summary>
/// A connected TCP socket as a duplex pipe. The receive loop waits with a zero-byte receive, so an idle connection holds
/// no read buffer, and then sizes its buffer to what the kernel holds (<see cref="Socket.Available"/>, between
/// <see cref="MinimumRead"/> and <see cref="MaximumRead"/>): a peer that trickles bytes makes us hold little, a fast
/// transfer is read in few large receives. The reader side runs inline on the receive loop (no thread hop per read) and
/// the pipe never pauses it: the wire consumes what it reads at once and bounds what it holds itself. Writes of whole
/// buffers go straight to the socket without a copy. Completing the writer disposes the socket.
/// </summary>
internal sealed class SocketDuplexPipe : IDuplexPipe
{
    /// <summary>The smallest receive buffer.</summary>
    public const int MinimumRead = 4 * 1024;

    /// <summary>The largest receive buffer.</summary>
    public const int MaximumRead = 512 * 1024;

    private readonly Socket _socket;
    private readonly Pipe _received = new(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: 0, minimumSegmentSize: MinimumRead, useSynchronizationContext: false));

    public SocketDuplexPipe(Socket socket)
    {
        _socket = socket;
        Output = new DirectStreamWriter(new NetworkStream(socket, ownsSocket: true));
        _ = ReceiveLoopAsync();
    }

    public PipeReader Input => _received.Reader;

    public PipeWriter Output { get; }

    private async Task ReceiveLoopAsync()
    {
        var writer = _received.Writer;
        Exception? failure = null;
        try
        {
            while (true)
            {
                await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                var buffer = writer.GetMemory(Math.Clamp(_socket.Available, MinimumRead, MaximumRead));
                int received = await _socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (received == 0) break;
                writer.Advance(received);
                var flushed = await writer.FlushAsync().ConfigureAwait(false);
                if (flushed.IsCompleted) break;
            }
        }
        catch (Exception ex)
        {
            // Whatever ends the loop ends the pipe with it, so the wire's read loop sees it (nothing is left unobserved):
            // a socket error as an IOException, our own close of the socket as the end of the stream.
            failure = ex switch
            {
                ObjectDisposedException => null,
                SocketException => new IOException(ex.Message, ex),
                _ => ex,
            };
        }
        await writer.CompleteAsync(failure).ConfigureAwait(false);
    }
}
