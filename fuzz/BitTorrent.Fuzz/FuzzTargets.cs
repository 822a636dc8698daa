namespace BitTorrent.Fuzz;

/// <summary>Every fuzz target by name. A target takes one input and throws only when it found something.</summary>
public static class FuzzTargets
{
    /// <summary>The targets, by the name used on the command line and as the corpus folder.</summary>
    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new SortedDictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["bencode_strict"] = BencodeTargets.Strict,
        ["bencode_lenient"] = BencodeTargets.Lenient,
        ["framing"] = FramingTargets.OneSegment,
        ["framing_split"] = FramingTargets.Split,
        ["handshake"] = WireTargets.Handshake,
        ["extended_handshake"] = WireTargets.ExtendedHandshakeTarget,
        ["wire"] = WireTargets.WholeWire,
        ["ut_pex"] = ExtensionTargets.UtPex,
        ["ut_metadata"] = ExtensionTargets.UtMetadata,
        ["metadata_assembly"] = ExtensionTargets.MetadataAssembly,
        ["magnet"] = ExtensionTargets.Magnet,
        ["krpc"] = DhtTargets.Krpc,
        ["dht_node"] = DhtTargets.Node,
        ["dht_state"] = DhtTargets.State,
        ["metainfo"] = OtherTargets.Metainfo,
        ["tracker_http"] = OtherTargets.TrackerHttp,
        ["tracker_udp"] = OtherTargets.TrackerUdp,
        ["mse"] = OtherTargets.Mse,
    };

    /// <summary>The target called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No target has that name.</exception>
    public static Action<byte[]> Get(string name) =>
        All.TryGetValue(name, out var target) ? target : throw new ArgumentException($"no fuzz target '{name}'; targets: {string.Join(", ", All.Keys)}", nameof(name));
}
