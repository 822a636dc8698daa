using System.Text.Json.Serialization;

namespace BitTorrent.Cli.Output;

/// <summary>
/// One thing worth telling the user. With <c>--json</c> each event is one line of JSON whose <c>event</c> member names
/// its kind (the schema is <c>ndjson.schema.json</c> beside the tool and in README); otherwise it is one plain line.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "event")]
[JsonDerivedType(typeof(StartedEvent), "started")]
[JsonDerivedType(typeof(MetadataEvent), "metadata")]
[JsonDerivedType(typeof(PeerConnectedEvent), "peer_connected")]
[JsonDerivedType(typeof(PeerDisconnectedEvent), "peer_disconnected")]
[JsonDerivedType(typeof(PieceVerifiedEvent), "piece_verified")]
[JsonDerivedType(typeof(HashFailedEvent), "hash_failed")]
[JsonDerivedType(typeof(ProgressEvent), "progress")]
[JsonDerivedType(typeof(CompleteEvent), "complete")]
[JsonDerivedType(typeof(SeedingEvent), "seeding")]
[JsonDerivedType(typeof(ErrorEvent), "error")]
[JsonDerivedType(typeof(TorrentInfoEvent), "info")]
[JsonDerivedType(typeof(CreatedEvent), "created")]
[JsonDerivedType(typeof(VerifiedEvent), "verified")]
[JsonDerivedType(typeof(DhtResultEvent), "dht")]
[JsonDerivedType(typeof(DemoSummaryEvent), "summary")]
internal abstract record CliEvent
{
    /// <summary>When it happened (UTC).</summary>
    public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The line printed for this event when the output is not JSON.</summary>
    public abstract string Describe();
}

/// <summary>A command began.</summary>
internal sealed record StartedEvent(string Command, string? Target) : CliEvent
{
    public override string Describe() => Target is null ? $"{Command}: started" : $"{Command}: {Target}";
}

/// <summary>The info dictionary is known (from the .torrent file or fetched with ut_metadata).</summary>
internal sealed record MetadataEvent(string InfoHash, string Name, long Size, int Pieces, int PieceLength, int Files) : CliEvent
{
    public override string Describe() =>
        $"metadata: {Name}, {Parsing.ByteSize.Format(Size)} in {Files} file(s), {Pieces} pieces of {Parsing.ByteSize.Format(PieceLength)}";
}

/// <summary>A peer connection was established (handshake done).</summary>
internal sealed record PeerConnectedEvent(string Address, string Source, string Direction, string? Client) : CliEvent
{
    public override string Describe() => $"peer {Address} connected ({Direction}, from {Source}{(Client is null ? "" : ", " + Client)})";
}

/// <summary>A peer connection ended.</summary>
internal sealed record PeerDisconnectedEvent(string Address, string? Reason) : CliEvent
{
    public override string Describe() => $"peer {Address} disconnected{(Reason is null ? "" : ": " + Reason)}";
}

/// <summary>A piece passed its SHA-1 check and was written.</summary>
internal sealed record PieceVerifiedEvent(int Piece) : CliEvent
{
    public override string Describe() => $"piece {Piece} verified";
}

/// <summary>A piece failed its SHA-1 check and will be downloaded again.</summary>
internal sealed record HashFailedEvent(int Piece) : CliEvent
{
    public override string Describe() => $"piece {Piece} failed its hash check";
}

/// <summary>Where a torrent stands; emitted every second while it runs.</summary>
internal sealed record ProgressEvent(
    string InfoHash, string State, double Percent, long Downloaded, long Uploaded, double DownloadRate, double UploadRate,
    int Peers, int PiecesHave, int PiecesTotal, double? EtaSeconds) : CliEvent
{
    public override string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{State} {Percent:F1}% {PiecesHave}/{PiecesTotal} pieces, down {Parsing.ByteSize.Format(DownloadRate)}/s, up {Parsing.ByteSize.Format(UploadRate)}/s, {Peers} peers{(EtaSeconds is double eta ? $", eta {TimeSpan.FromSeconds(Math.Round(eta))}" : "")}");
}

/// <summary>Every wanted piece is verified on disk.</summary>
internal sealed record CompleteEvent(string InfoHash, long Bytes, double Seconds) : CliEvent
{
    public override string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"complete: {Parsing.ByteSize.Format(Bytes)} in {Seconds:F1} s ({Parsing.ByteSize.Format(Seconds > 0 ? Bytes / Seconds : 0)}/s)");
}

/// <summary>The torrent is being served.</summary>
internal sealed record SeedingEvent(string InfoHash, string Magnet, int Port) : CliEvent
{
    public override string Describe() => $"seeding on port {Port}: {Magnet}";
}

/// <summary>The command failed; <see cref="Code"/> is the exit code.</summary>
internal sealed record ErrorEvent(string Message, int Code) : CliEvent
{
    public override string Describe() => $"error: {Message}";
}

/// <summary>A file of a torrent, as <c>bt info</c> lists it.</summary>
internal sealed record FileEntry(string Path, long Length, long Offset, bool Padding);

/// <summary>What <c>bt info</c> reports.</summary>
internal sealed record TorrentInfoEvent(
    string InfoHash, string Name, long Size, int PieceLength, int Pieces, bool Private, IReadOnlyList<FileEntry> Files,
    IReadOnlyList<IReadOnlyList<string>> Trackers, IReadOnlyList<string> WebSeeds, string Magnet, string? Comment,
    string? CreatedBy, DateTimeOffset? CreationDate) : CliEvent
{
    public override string Describe() => $"{Name} ({InfoHash})";
}

/// <summary>What <c>bt create</c> wrote.</summary>
internal sealed record CreatedEvent(string Path, string InfoHash, int Pieces, int PieceLength, long Size, string Magnet) : CliEvent
{
    public override string Describe() =>
        $"created {Path}: {Parsing.ByteSize.Format(Size)}, {Pieces} pieces of {Parsing.ByteSize.Format(PieceLength)}, info hash {InfoHash}";
}

/// <summary>What <c>bt verify</c> found.</summary>
internal sealed record VerifiedEvent(string InfoHash, int Pieces, int Good, IReadOnlyList<int> Bad) : CliEvent
{
    public override string Describe() => Bad.Count == 0
        ? $"verified: all {Pieces} pieces good"
        : $"verified: {Good}/{Pieces} pieces good, {Bad.Count} bad or missing";
}

/// <summary>The result of a <c>bt dht</c> operation: <see cref="Operation"/> and its fields.</summary>
internal sealed record DhtResultEvent(string Operation, IReadOnlyDictionary<string, object?> Result) : CliEvent
{
    public override string Describe() =>
        $"dht {Operation}: " + string.Join(", ", Result.Select(kv => $"{kv.Key.Replace('_', ' ')} {Format(kv.Value)}"));

    private static string Format(object? value) => value switch
    {
        null => "none",
        string s => s,
        System.Collections.IEnumerable list => "[" + string.Join(" ", list.Cast<object?>().Select(Format)) + "]",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

/// <summary>One peer's line in the <c>bt demo</c> summary.</summary>
internal sealed record DemoPeerSummary(
    string Name, bool Complete, double Seconds, long Downloaded, long Uploaded, int PeersFromDht, int PeersFromPex,
    int PeersIncoming, int PiecesVerified, int HashFailures);

/// <summary>The end of <c>bt demo</c>.</summary>
internal sealed record DemoSummaryEvent(double Seconds, long Size, IReadOnlyList<DemoPeerSummary> Peers) : CliEvent
{
    public override string Describe() =>
        $"demo: {Peers.Count(p => p.Complete)}/{Peers.Count} leechers complete in {Seconds:F1} s";
}
