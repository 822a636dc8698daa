using System.Threading.Tasks.Sources;

namespace BitTorrent.Wire;

/// <summary>
/// One of our outstanding requests: a reusable completion source, so a request allocates no task. It completes with
/// a new array, or, when the caller gave a destination, by copying into it.
/// </summary>
internal sealed class PendingRequest : IValueTaskSource<byte[]>, IValueTaskSource<int>
{
    // Continuations never run inline on the thread that completes the request (read loop, timer, a caller of Cancel or End).
    private ManualResetValueTaskSourceCore<byte[]?> _core = new() { RunContinuationsAsynchronously = true };
    private Action<PendingRequest>? _return;

    public BlockRequest Block { get; private set; }

    /// <summary>Where the block goes when the caller supplied the memory; empty otherwise.</summary>
    public Memory<byte> Destination { get; private set; }

    /// <summary>True once the request message went out (false while held back by the peer's reqq).</summary>
    public bool Sent { get; set; }

    public CancellationTokenRegistration Registration { get; set; }

    public short Version => _core.Version;

    public void Init(BlockRequest block, Memory<byte> destination, Action<PendingRequest> returnToPool)
    {
        Block = block;
        Destination = destination;
        Sent = false;
        _return = returnToPool;
    }

    public void Complete(byte[]? data) => _core.SetResult(data);

    public void Fail(Exception error) => _core.SetException(error);

    public byte[] GetResult(short token) => Release(token)!;

    int IValueTaskSource<int>.GetResult(short token)
    {
        int length = Block.Length;
        Release(token);
        return length;
    }

    private byte[]? Release(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            Registration.Dispose();
            Registration = default;
            Destination = default;
            _core.Reset();
            _return?.Invoke(this);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
