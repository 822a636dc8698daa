using System.Buffers;
using System.IO.Pipelines;

namespace BitTorrent.Encryption;

/// <summary>Bounded reads of the handshake from the connection's pipe; a closed connection becomes an <see cref="MseException"/>.</summary>
internal static class HandshakeReader
{
    /// <summary>Reads exactly <paramref name="destination"/>.Length bytes and consumes them.</summary>
    public static async ValueTask ReadExactAsync(PipeReader reader, Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (destination.IsEmpty) return;
        var result = await reader.ReadAtLeastAsync(destination.Length, cancellationToken).ConfigureAwait(false);
        var buffer = result.Buffer;
        if (buffer.Length < destination.Length)
        {
            reader.AdvanceTo(buffer.Start);
            throw Closed(buffer.Length, destination.Length);
        }
        buffer.Slice(0, destination.Length).CopyTo(destination.Span);
        reader.AdvanceTo(buffer.GetPosition(destination.Length));
    }

    /// <summary>Waits for at least <paramref name="count"/> bytes and returns a copy of them without consuming anything.</summary>
    public static async ValueTask<byte[]> PeekAsync(PipeReader reader, int count, CancellationToken cancellationToken)
    {
        var result = await reader.ReadAtLeastAsync(count, cancellationToken).ConfigureAwait(false);
        var buffer = result.Buffer;
        var copy = buffer.Length >= count ? buffer.Slice(0, count).ToArray() : null;
        reader.AdvanceTo(buffer.Start);
        return copy ?? throw Closed(buffer.Length, count);
    }

    private static MseException Closed(long got, int wanted) =>
        new(MseFailure.ConnectionClosed, $"the peer closed the connection after {got} of {wanted} bytes");

    /// <summary>
    /// Consumes bytes up to and including <paramref name="marker"/>, which must end within the first
    /// <paramref name="skipLimit"/> + marker length bytes (the padding the spec allows before it).
    /// </summary>
    public static async ValueTask SynchroniseAsync(PipeReader reader, byte[] marker, int skipLimit, string what, CancellationToken cancellationToken)
    {
        var window = skipLimit + marker.Length;
        var scratch = new byte[window];
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var searchable = (int)Math.Min(buffer.Length, window);
            buffer.Slice(0, searchable).CopyTo(scratch);
            var index = scratch.AsSpan(0, searchable).IndexOf(marker);
            if (index >= 0)
            {
                reader.AdvanceTo(buffer.GetPosition(index + marker.Length));
                return;
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (searchable == window)
                throw new MseException(MseFailure.SynchronisationFailed, $"no {what} within {window} bytes");
            if (result.IsCompleted || result.IsCanceled)
                throw new MseException(MseFailure.ConnectionClosed, $"the peer closed the connection before {what}");
        }
    }
}
