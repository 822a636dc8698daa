using Microsoft.Extensions.Logging;

namespace BitTorrent.Client.Tests.Simulation;

/// <summary>Keeps the engines' log lines (from <see cref="MinimumLevel"/> up) with the virtual time, for a failing test's message.</summary>
internal sealed class CapturedLog(Func<TimeSpan> now) : ILoggerFactory, ILogger
{
    private readonly List<string> _lines = [];

    public LogLevel MinimumLevel { get; set; } = LogLevel.Warning;

    public IReadOnlyList<string> Lines
    {
        get { lock (_lines) return [.. _lines]; }
    }

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= MinimumLevel;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        lock (_lines) _lines.Add($"{now()} {logLevel}: {formatter(state, exception)} {exception}");
    }

    public void Dispose()
    {
    }
}
