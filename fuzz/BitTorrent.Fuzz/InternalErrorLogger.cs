using BitTorrent.Dht;
using Microsoft.Extensions.Logging;

namespace BitTorrent.Fuzz;

/// <summary>
/// A logger factory for a fuzzed <see cref="DhtNode"/>: the node turns an exception inside its datagram handler into an
/// <see cref="DhtWarningKind.InternalError"/> warning (logged synchronously, raised as an event later), so the target
/// learns of it here and reports it as a finding.
/// </summary>
public sealed class InternalErrorLogger : ILoggerFactory, ILogger
{
    /// <summary>The message of the first internal error logged, if any.</summary>
    public string? FirstError { get; private set; }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => this;

    /// <inheritdoc />
    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => true;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (FirstError is not null || state is not IReadOnlyList<KeyValuePair<string, object?>> values) return;
        foreach (var (key, value) in values)
            if (key == "Kind" && value is DhtWarningKind.InternalError)
                FirstError = formatter(state, exception);
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
