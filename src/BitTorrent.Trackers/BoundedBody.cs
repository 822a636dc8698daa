using System.Buffers;
using System.IO.Compression;

namespace BitTorrent.Trackers;

/// <summary>Reads an HTTP response body into memory with a cap on the bytes received and, for gzip, on the
/// bytes decompressed, so neither a huge body nor a gzip bomb can exhaust memory.</summary>
internal static class BoundedBody
{
    public static async Task<byte[]> ReadAsync(HttpContent content, TrackerOptions options, Uri tracker, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > options.MaxResponseBytes)
            throw TooLarge(tracker, options.MaxResponseBytes);
        bool gzip = IsGzip(content.Headers.ContentEncoding, tracker);
        await using var raw = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var limited = new LimitedStream(raw, options.MaxResponseBytes, tracker);
        if (!gzip) return await ReadAllAsync(limited, options.MaxResponseBytes, TrackerError.ResponseTooLarge, tracker, cancellationToken).ConfigureAwait(false);
        await using var unzip = new GZipStream(limited, CompressionMode.Decompress);
        try
        {
            return await ReadAllAsync(unzip, options.MaxDecompressedBytes, TrackerError.DecompressedTooLarge, tracker, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new TrackerException(tracker, TrackerError.InvalidResponse, "bad gzip data", e);
        }
    }

    private static bool IsGzip(ICollection<string> encodings, Uri tracker)
    {
        if (encodings.Count == 0) return false;
        if (encodings.Count == 1 && encodings.First().Equals("gzip", StringComparison.OrdinalIgnoreCase)) return true;
        if (encodings.Count == 1 && encodings.First().Equals("identity", StringComparison.OrdinalIgnoreCase)) return false;
        throw new TrackerException(tracker, TrackerError.InvalidResponse, "unsupported Content-Encoding " + string.Join(", ", encodings));
    }

    private static async Task<byte[]> ReadAllAsync(Stream source, int limit, TrackerError error, Uri tracker, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(limit + 1, 16 * 1024));
        try
        {
            int length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    // Grow, but never past one byte beyond the limit: that byte is enough to know it was exceeded.
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(limit + 1, buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                int read = await source.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, limit + 1) - length), cancellationToken).ConfigureAwait(false);
                if (read == 0) return buffer.AsSpan(0, length).ToArray();
                length += read;
                if (length > limit)
                    throw error == TrackerError.ResponseTooLarge ? TooLarge(tracker, limit)
                        : new TrackerException(tracker, error, $"the body decompresses to more than {limit} bytes");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static TrackerException TooLarge(Uri tracker, int limit) =>
        new(tracker, TrackerError.ResponseTooLarge, $"the response is larger than {limit} bytes");

    /// <summary>Fails once more than the limit has been read from the inner stream.</summary>
    private sealed class LimitedStream(Stream inner, int limit, Uri tracker) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            _read += read;
            if (_read > limit) throw TooLarge(tracker, limit);
            return read;
        }
    }
}
