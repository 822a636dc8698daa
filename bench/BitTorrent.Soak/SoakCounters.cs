namespace BitTorrent.Soak;

/// <summary>What a workload verified and what went wrong, shared by its tasks (thread-safe).</summary>
public sealed class SoakCounters
{
    private const int KeptMessages = 10;
    private readonly Lock _gate = new();
    private readonly List<string> _messages = [];
    private long _verifiedBytes;
    private long _verifiedUnits;
    private long _mismatches;
    private long _failures;

    /// <summary>Bytes received and found equal to the expected bytes.</summary>
    public long VerifiedBytes => Interlocked.Read(ref _verifiedBytes);

    /// <summary>Blocks (wires) or whole downloads (swarm) verified.</summary>
    public long VerifiedUnits => Interlocked.Read(ref _verifiedUnits);

    /// <summary>Blocks or downloads whose bytes differed from the expected bytes.</summary>
    public long Mismatches => Interlocked.Read(ref _mismatches);

    /// <summary>Failed requests, unexpected closes, downloads that did not finish in time.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The first mismatches, failures and unobserved exceptions, described.</summary>
    public IReadOnlyList<string> Messages
    {
        get { lock (_gate) return [.. _messages]; }
    }

    /// <summary>Counts one verified unit of <paramref name="bytes"/> bytes.</summary>
    public void Verified(long bytes)
    {
        Interlocked.Add(ref _verifiedBytes, bytes);
        Interlocked.Increment(ref _verifiedUnits);
    }

    /// <summary>Counts a unit whose bytes differed.</summary>
    public void Mismatch(string what)
    {
        Interlocked.Increment(ref _mismatches);
        Keep("mismatch: " + what);
    }

    /// <summary>Counts a failure.</summary>
    public void Failure(string what)
    {
        Interlocked.Increment(ref _failures);
        Keep("failure: " + what);
    }

    /// <summary>Keeps the description of an exception nobody observed (the runner counts them): its type, message and first frames.</summary>
    public void Unobserved(Exception exception)
    {
        var inner = exception is AggregateException { InnerExceptions.Count: 1 } single ? single.InnerException! : exception;
        var frames = (inner.StackTrace ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(3);
        Keep($"unobserved: {inner.GetType().Name}: {inner.Message} {string.Join(" / ", frames)}");
    }

    private void Keep(string message)
    {
        lock (_gate)
            if (_messages.Count < KeptMessages) _messages.Add(message);
    }
}
