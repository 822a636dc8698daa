using System.IO.Pipelines;
using System.Net;
using BitTorrent.Wire;

namespace BitTorrent.Fuzz;

/// <summary>
/// Runs one <see cref="Wire.Wire"/> over an in-memory pipe: the input is everything the peer sends, then the peer
/// closes its side; what the wire sends is read and dropped. Returns once the wire has closed.
/// </summary>
public static class WireHarness
{
    /// <summary>How long one input may keep a wire open before the run counts as a hang.</summary>
    public static readonly TimeSpan HangTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Close reasons an in-memory wire may end with; anything else (an application error) is a finding.</summary>
    private static readonly WireCloseReason[] Expected =
    [
        WireCloseReason.LocalEnd, WireCloseReason.RemoteEnd, WireCloseReason.InvalidHandshake, WireCloseReason.InfoHashMismatch,
        WireCloseReason.MessageTooLarge, WireCloseReason.InvalidMessage, WireCloseReason.ProtocolViolation, WireCloseReason.ExtensionViolation,
    ];

    /// <summary>Feeds <paramref name="inbound"/> to a new incoming wire set up by <paramref name="setup"/>, waits for its close and checks the reason.</summary>
    public static WireClosedEventArgs Run(ReadOnlyMemory<byte> inbound, WireOptions options, Action<Wire.Wire> setup)
    {
        var toWire = new Pipe();
        var fromWire = new Pipe();
        var connection = PeerConnection.FromPipe(new Transport(toWire.Reader, fromWire.Writer), ConnectionDirection.Incoming,
            TransportKind.Memory, new IPEndPoint(IPAddress.Loopback, 6881), new IPEndPoint(IPAddress.Parse("10.0.0.2"), 51413));
        var wire = new Wire.Wire(connection, options);
        setup(wire);
        var drain = Task.Run(() => DrainAsync(fromWire.Reader));
        wire.Start();
        var write = Task.Run(async () =>
        {
            await toWire.Writer.WriteAsync(inbound).ConfigureAwait(false);
            await toWire.Writer.CompleteAsync().ConfigureAwait(false);
        });
        if (!wire.Completion.Wait(HangTimeout))
        {
            wire.End();
            throw new FuzzFindingException($"the wire did not close within {HangTimeout.TotalSeconds} s of the peer closing");
        }
        write.Wait(HangTimeout);
        drain.Wait(HangTimeout);
        var reason = wire.CloseReason ?? throw new FuzzFindingException("a completed wire has no close reason");
        Oracle.Check(Array.IndexOf(Expected, reason.Reason) >= 0, $"the wire closed with {reason}: {reason.Exception}");
        return reason;
    }

    /// <summary>Reads and drops everything written to <paramref name="reader"/>'s pipe until its writer completes.</summary>
    internal static async Task DrainAsync(PipeReader reader)
    {
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled) break;
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A duplex pipe made of two pipe ends.</summary>
    internal sealed class Transport(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
