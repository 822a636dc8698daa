namespace BitTorrent.Client.Tests.Simulation;

/// <summary>
/// The simulation tests run one at a time and with no other test beside them: each drives many engines and waits for
/// them to go quiet, which it judges partly by the thread pool's queue; another test class's work on the pool made a
/// simulated end-game see quiet too late (it failed once in the whole project's run and never alone).
/// </summary>
[CollectionDefinition(nameof(SimulationCollection), DisableParallelization = true)]
public sealed class SimulationCollection;
