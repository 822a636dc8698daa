namespace BitTorrent.Soak;

/// <summary>Traffic a soak keeps up and verifies while the runner samples memory.</summary>
internal interface ISoakWorkload : IAsyncDisposable
{
    /// <summary>What runs, for the summary.</summary>
    string Description { get; }

    /// <summary>Sets up connections and starts the traffic, which runs until <see cref="StopAsync"/>.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Stops issuing work, waits for what is in flight and closes everything; the counters are final after it.</summary>
    Task StopAsync();

    /// <summary>Checks only this workload can make (for example: every wire moved bytes), after <see cref="StopAsync"/>.</summary>
    IReadOnlyList<SoakCheck> FinalChecks();
}
