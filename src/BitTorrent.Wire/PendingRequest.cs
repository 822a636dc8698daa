using System.Threading.Tasks.Sources;

namespace BitTorrent.Wire;

/// <summary>One of our outstanding requests: a reusable completion source, so a request allocates no task.</summary>
internal sealed class PendingRequest : IValueTaskSource<byte[]>
{
    private ManualResetValueTaskSourceCore<byte[]> _core;
    private Action<PendingRequest>? _return;

    public BlockRequest Block { get; private set; }

    /// <summary>True once the request message went out (false while held back by the peer's reqq).</summary>
    public bool Sent { get; set; }

    public CancellationTokenRegistration Registration { get; set; }

    public short Version => _core.Version;

    public void Init(BlockRequest block, Action<PendingRequest> returnToPool)
    {
        Block = block;
        Sent = false;
        _return = returnToPool;
    }

    public void Complete(byte[] data) => _core.SetResult(data);

    public void Fail(Exception error) => _core.SetException(error);

    public byte[] GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            Registration.Dispose();
            Registration = default;
            _core.Reset();
            _return?.Invoke(this);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
