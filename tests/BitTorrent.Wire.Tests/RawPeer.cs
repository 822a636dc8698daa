using System.Buffers;
using System.IO.Pipelines;
using BitTorrent.Wire;

namespace BitTorrent.Wire.Tests;

/// <summary>A wire whose other end is driven byte by byte by the test.</summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly Pipe _toWire = new();
    private readonly Pipe _fromWire = new();

    public RawPeer(WireOptions? options = null)
    {
        Wire = new Wire(new DuplexPipe(_toWire.Reader, _fromWire.Writer), options);
    }

    public Wire Wire { get; }

    public async Task SendAsync(params byte[][] chunks)
    {
        foreach (var chunk in chunks) await _toWire.Writer.WriteAsync(chunk);
    }

    public Task SendHexAsync(string hex) => SendAsync(Convert.FromHexString(hex.Replace(" ", "")));

    /// <summary>Reads exactly <paramref name="count"/> bytes the wire sent.</summary>
    public async Task<byte[]> ReceiveAsync(int count)
    {
        while (true)
        {
            var result = await _fromWire.Reader.ReadAsync().AsTask().WaitAsync(TestIds.Bound);
            if (result.Buffer.Length >= count)
            {
                var bytes = result.Buffer.Slice(0, count).ToArray();
                _fromWire.Reader.AdvanceTo(result.Buffer.GetPosition(count));
                return bytes;
            }
            if (result.IsCompleted) throw new EndOfStreamException($"wire sent {result.Buffer.Length} bytes, expected {count}");
            _fromWire.Reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    public async Task<string> ReceiveHexAsync(int count) => Convert.ToHexStringLower(await ReceiveAsync(count));

    /// <summary>Completes the handshake from the raw side with the given reserved bytes, and consumes the wire's handshake.</summary>
    /// Returns once the wire has taken the handshake in (or closed), so a test's next step, such as advancing a fake
    /// clock past the handshake timeout, cannot race the read loop.
    public async Task HandshakeAsync(string reservedHex = "0000000000100004", WireExtensions ours = WireExtensions.Fast)
    {
        var taken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Wire.HandshakeReceived += (_, _) => taken.TrySetResult();
        Wire.Closed += (_, _) => taken.TrySetResult();
        Wire.Start();
        Wire.Handshake(TestIds.Hash, TestIds.IdA, ours);
        await ReceiveAsync(68);
        var peer = new byte[68];
        MessageWriter.WriteHandshake(peer, TestIds.Hash, TestIds.IdB, WireExtensions.None);
        Convert.FromHexString(reservedHex).CopyTo(peer, 20);
        await SendAsync(peer);
        await taken.Task.WaitAsync(TestIds.Bound);
    }

    public async ValueTask DisposeAsync()
    {
        await Wire.DisposeAsync();
        await _toWire.Writer.CompleteAsync();
    }
}
