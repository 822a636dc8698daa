namespace BitTorrent.Client.Tests.Simulation;

/// <summary>The simulation tests run one at a time: each drives many engines and waits for them to go quiet.</summary>
[CollectionDefinition(nameof(SimulationCollection))]
public sealed class SimulationCollection;
