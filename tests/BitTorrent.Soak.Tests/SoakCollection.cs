namespace BitTorrent.Soak.Tests;

/// <summary>
/// The soaks run one after the other: each samples the whole process's heap and RSS (and collects garbage for every
/// sample), so two at once would measure each other.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SoakCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Soak";
}
