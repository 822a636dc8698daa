using System.Net;
using System.Net.Sockets;

namespace BitTorrent.Dht;

/// <summary>
/// The receive loop beneath <see cref="UdpDhtTransport"/>: hands each datagram to the handler, one at a time, until
/// cancelled. A socket error is reported and followed by a pause on the injected clock that doubles while errors repeat
/// (<see cref="FirstErrorBackoff"/> up to <see cref="MaxErrorBackoff"/>) and resets on the next datagram, so a persistent
/// error does not spin a core. A handler that throws loses that datagram only.
/// </summary>
internal sealed class UdpReceiveLoop(
    Func<Memory<byte>, CancellationToken, ValueTask<SocketReceiveFromResult>> receive,
    DatagramHandler handler,
    Action<SocketException> reportError,
    TimeProvider time)
{
    private const int ReceiveBufferSize = 65536;

    /// <summary>The pause after the first of a run of socket errors.</summary>
    public static readonly TimeSpan FirstErrorBackoff = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest pause between receives while socket errors repeat.</summary>
    public static readonly TimeSpan MaxErrorBackoff = TimeSpan.FromSeconds(1);

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled or the socket is disposed.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(ReceiveBufferSize, pinned: true);
        var backoff = TimeSpan.Zero;
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await receive(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                reportError(ex);
                backoff = backoff == TimeSpan.Zero ? FirstErrorBackoff : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxErrorBackoff.Ticks));
                try
                {
                    await Task.Delay(backoff, time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            backoff = TimeSpan.Zero;
            var source = (IPEndPoint)result.RemoteEndPoint;
            if (source.Address.IsIPv4MappedToIPv6)
            {
                source = new IPEndPoint(source.Address.MapToIPv4(), source.Port);
            }
            try
            {
                handler(buffer.AsSpan(0, result.ReceivedBytes), source);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The handler lost this datagram; the next one is handled as usual.
            }
        }
    }
}
