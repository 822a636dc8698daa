using System.IO.Pipelines;

namespace BitTorrent.Testing;

/// <summary>One end of an in-memory duplex connection.</summary>
public sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
{
    /// <inheritdoc />
    public PipeReader Input { get; } = input;

    /// <inheritdoc />
    public PipeWriter Output { get; } = output;

    /// <summary>Two connected ends; <paramref name="options"/> applies to both directions (default pipe options otherwise).</summary>
    public static (DuplexPipe A, DuplexPipe B) CreatePair(PipeOptions? options = null)
    {
        var ab = new Pipe(options ?? PipeOptions.Default);
        var ba = new Pipe(options ?? PipeOptions.Default);
        return (new DuplexPipe(ba.Reader, ab.Writer), new DuplexPipe(ab.Reader, ba.Writer));
    }

    /// <summary>Two connected ends whose writers block beyond about 1 KiB unread: backpressure shows at once.</summary>
    public static (DuplexPipe A, DuplexPipe B) CreateTinyPair() =>
        CreatePair(new PipeOptions(pauseWriterThreshold: 1024, resumeWriterThreshold: 512, minimumSegmentSize: 512, useSynchronizationContext: false));
}
