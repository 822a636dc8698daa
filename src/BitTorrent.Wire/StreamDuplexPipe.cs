using System.IO.Pipelines;

namespace BitTorrent.Wire;

/// <summary>
/// A stream as a duplex pipe. Reads wait with zero-byte reads, so an idle connection holds no read buffer; writes of
/// whole buffers go straight to the stream without a copy. Completing the writer disposes the stream.
/// </summary>
internal sealed class StreamDuplexPipe(Stream stream) : IDuplexPipe
{
    private const int ReadBufferSize = 64 * 1024;

    public PipeReader Input { get; } = PipeReader.Create(stream,
        new StreamPipeReaderOptions(bufferSize: ReadBufferSize, minimumReadSize: 16 * 1024, leaveOpen: true, useZeroByteReads: true));

    public PipeWriter Output { get; } = new DirectStreamWriter(stream);
}
