using Microsoft.Extensions.Logging;

namespace BitTorrent.Extensions;

/// <summary>Settings for <see cref="LtDontHave"/>.</summary>
public sealed record LtDontHaveOptions
{
    /// <summary>Diagnostics: ignored malformed or out-of-range messages are logged at debug level (default none).</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
