namespace BitTorrent.Trackers;

/// <summary>An announce or scrape to one tracker failed; other trackers and peer sources are unaffected.</summary>
public sealed class TrackerException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="tracker">The tracker's URL.</param>
    /// <param name="error">What went wrong.</param>
    /// <param name="message">The detail (for <see cref="TrackerError.Failure"/>, the tracker's own text).</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    public TrackerException(Uri tracker, TrackerError error, string message, Exception? innerException = null)
        : base($"{tracker}: {error}: {message}", innerException)
    {
        Tracker = tracker;
        Error = error;
        Detail = message;
    }

    /// <summary>The tracker's URL.</summary>
    public Uri Tracker { get; }

    /// <summary>What went wrong.</summary>
    public TrackerError Error { get; }

    /// <summary>The detail without the URL; for <see cref="TrackerError.Failure"/>, the tracker's own text.</summary>
    public string Detail { get; }
}
