using Microsoft.Extensions.Logging;

namespace BitTorrent.Extensions.Tests;

/// <summary>Every extension takes an <see cref="ILoggerFactory"/> in its options and logs its warnings there.</summary>
public class LoggingTests
{
    private sealed class CapturingLoggerFactory : ILoggerFactory, ILogger
    {
        public List<(string Category, string Message)> Entries { get; } = [];
        private string _category = "";

        public ILogger CreateLogger(string categoryName)
        {
            _category = categoryName;
            return this;
        }

        public void AddProvider(ILoggerProvider provider) { }
        public void Dispose() { }
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((_category, formatter(state, exception)));
    }

    [Fact]
    public void Ut_pex_ut_metadata_and_lt_donthave_log_their_warnings_through_their_options()
    {
        var logs = new CapturingLoggerFactory();
        var wire = new FakeExtensionWire { PeerPieceCount = 8 };
        new UtPex(wire, new UtPexOptions { LoggerFactory = logs }).OnMessage("x"u8);
        new UtMetadata(wire, default, new UtMetadataOptions { LoggerFactory = logs }).OnMessage("x"u8);
        new LtDontHave(wire, new LtDontHaveOptions { LoggerFactory = logs }).OnMessage("x"u8);

        Assert.Equal(
            [typeof(UtPex).FullName!, typeof(UtMetadata).FullName!, typeof(LtDontHave).FullName!],
            logs.Entries.Select(e => e.Category));
        Assert.All(logs.Entries, e => Assert.Contains("Ignored", e.Message));
    }
}
