using System.Runtime.CompilerServices;

namespace BitTorrent.Fuzz;

/// <summary>
/// An oracle violation: the input was handled without a crash, but the result breaks a property the target checks
/// (a round trip that differs, split and whole parses that disagree, an allocation over its bound). Like any
/// exception other than the documented ones, it is a finding.
/// </summary>
public sealed class FuzzFindingException(string message) : Exception(message);

/// <summary>Assertions for the fuzz targets' oracles.</summary>
public static class Oracle
{
    /// <summary>Throws <see cref="FuzzFindingException"/> with <paramref name="message"/> when <paramref name="condition"/> is false.</summary>
    public static void Check(bool condition, string message)
    {
        if (!condition) throw new FuzzFindingException(message);
    }

    /// <summary>
    /// Same as <see cref="Check(bool, string)"/> for an interpolated message, which is only formatted when the check
    /// fails (so passing checks allocate nothing and do not count against the allocation oracle).
    /// </summary>
    public static void Check(bool condition, [InterpolatedStringHandlerArgument(nameof(condition))] ref FailureMessage message)
    {
        if (!condition) throw new FuzzFindingException(message.ToString());
    }

    /// <summary>Formats an interpolated failure message only when its condition is false.</summary>
    [InterpolatedStringHandler]
    public ref struct FailureMessage
    {
        private DefaultInterpolatedStringHandler _inner;
        private readonly bool _enabled;

        /// <summary>Starts a message; <paramref name="shouldAppend"/> is false when the condition holds.</summary>
        public FailureMessage(int literalLength, int formattedCount, bool condition, out bool shouldAppend)
        {
            _enabled = shouldAppend = !condition;
            _inner = _enabled ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
        }

        /// <summary>Appends literal text.</summary>
        public void AppendLiteral(string value) => _inner.AppendLiteral(value);

        /// <summary>Appends a formatted value.</summary>
        public void AppendFormatted<T>(T value) => _inner.AppendFormatted(value);

        /// <summary>Appends a formatted value with a format string.</summary>
        public void AppendFormatted<T>(T value, string? format) => _inner.AppendFormatted(value, format);

        /// <summary>The formatted message.</summary>
        public override string ToString() => _enabled ? _inner.ToStringAndClear() : string.Empty;
    }

    /// <summary>Checks two byte sequences are equal.</summary>
    public static void SameBytes(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what)
    {
        if (!expected.SequenceEqual(actual)) throw new FuzzFindingException($"{what}: {Convert.ToHexString(expected)} != {Convert.ToHexString(actual)}");
    }
}

/// <summary>
/// The allocation oracle: bytes allocated while a target handles one input must stay under a fixed overhead plus a
/// multiple of the input's length, so no declared length or count makes a parser allocate what the input did not pay for.
/// </summary>
public readonly struct AllocationBudget
{
    private readonly long _start;
    private readonly long _limit;
    private readonly bool _wholeProcess;

    private AllocationBudget(long start, long limit, bool wholeProcess)
    {
        _start = start;
        _limit = limit;
        _wholeProcess = wholeProcess;
    }

    /// <summary>Starts counting on this thread (synchronous targets).</summary>
    public static AllocationBudget ForThread(int inputLength, long fixedBytes, int perInputByte) =>
        new(GC.GetAllocatedBytesForCurrentThread(), fixedBytes + (long)perInputByte * inputLength, wholeProcess: false);

    /// <summary>Starts counting on every thread (targets that run on the thread pool: a wire, a DHT node, MSE).</summary>
    public static AllocationBudget ForProcess(int inputLength, long fixedBytes, int perInputByte) =>
        new(GC.GetTotalAllocatedBytes(precise: false), fixedBytes + (long)perInputByte * inputLength, wholeProcess: true);

    /// <summary>Bytes allocated since the start.</summary>
    public long Allocated => (_wholeProcess ? GC.GetTotalAllocatedBytes(precise: false) : GC.GetAllocatedBytesForCurrentThread()) - _start;

    /// <summary>Throws <see cref="FuzzFindingException"/> when the allocation is over the bound.</summary>
    public void Check(string target)
    {
        long allocated = Allocated;
        Oracle.Check(allocated <= _limit, $"{target} allocated {allocated:N0} bytes, over its bound of {_limit:N0}");
    }
}
