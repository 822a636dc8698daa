using System.CommandLine;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using BitTorrent.Bencode;
using BitTorrent.Cli.Output;
using BitTorrent.Dht;
using Microsoft.Extensions.Logging;

namespace BitTorrent.Cli.Commands;

/// <summary>
/// <c>bt dht ping|lookup|announce|get|put|sample|node</c>: the Mainline DHT (BEP 5, 44, 51) from the shell. Each
/// command starts its own node, bootstraps it from <c>--bootstrap</c> (or the public routers), does one thing and exits;
/// <c>node</c> runs until Ctrl-C and keeps its routing table in a state file.
/// </summary>
internal static class DhtCommands
{
    private static readonly Option<IPEndPoint[]> Bootstrap = CommonOptions.EndPoints("--bootstrap",
        "A node to bootstrap from (repeatable). Without it, the public routers (router.bittorrent.com and others).");
    private static readonly Option<int> LocalPort = CommonOptions.Port("--dht-port", "UDP port of our node (0 = any).", 0);
    private static readonly Option<TimeSpan> Timeout = new("--timeout")
    {
        Description = "Give up after this long (e.g. 30s, 2m).",
        DefaultValueFactory = _ => TimeSpan.FromSeconds(60),
        CustomParser = Parsing.Durations.Parse,
    };

    /// <summary>The <c>dht</c> command with its subcommands.</summary>
    public static Command Create()
    {
        var dht = new Command("dht", "Talk to the Mainline DHT: ping, lookup, announce, get, put, sample, or run a node.");
        dht.Subcommands.Add(Ping());
        dht.Subcommands.Add(Lookup());
        dht.Subcommands.Add(Announce());
        dht.Subcommands.Add(Get());
        dht.Subcommands.Add(Put());
        dht.Subcommands.Add(Sample());
        dht.Subcommands.Add(Node());
        return dht;
    }

    private static Command Ping()
    {
        var address = new Argument<string>("address") { Description = "The node to ping, HOST:PORT." };
        var command = new Command("ping", "Ping one node and print its id (BEP 5).\n\nExample:\n  bt dht ping 127.0.0.1:6881")
            { address, LocalPort, Timeout };
        command.SetAction((parse, ct) => RunAsync(parse, ct, bootstrap: false, async (node, reporter, token) =>
        {
            if (!Parsing.PeerEndPoint.TryParse(parse.GetValue(address)!, out var ep))
                return reporter.Fail($"'{parse.GetValue(address)}' is not HOST:PORT", ExitCodes.Usage);
            var id = await node.PingAsync(ep!, token);
            if (id is null) return reporter.Fail($"{ep} did not answer", ExitCodes.NoPeers);
            reporter.Report(new DhtResultEvent("ping", new Dictionary<string, object?> { ["node"] = ep!.ToString(), ["id"] = id.ToString() }));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Lookup()
    {
        var infoHash = InfoHashArgument();
        var command = new Command("lookup", "Find peers of a torrent (get_peers, BEP 5).\n\nExample:\n  bt dht lookup e3811b9539cacff680e418124272177c47477157 --bootstrap 127.0.0.1:6881")
            { infoHash, Bootstrap, LocalPort, Timeout };
        command.SetAction((parse, ct) => RunAsync(parse, ct, bootstrap: true, async (node, reporter, token) =>
        {
            var result = await node.LookupAsync(parse.GetValue(infoHash), token);
            reporter.Report(new DhtResultEvent("lookup", new Dictionary<string, object?>
            {
                ["info_hash"] = parse.GetValue(infoHash).ToString(),
                ["peers"] = result.Peers.Select(p => p.ToString()).ToArray(),
                ["responded_nodes"] = result.RespondedNodes,
            }));
            return result.Peers.Count > 0 ? ExitCodes.Success : reporter.Fail("no peers found", ExitCodes.NoPeers);
        }));
        return command;
    }

    private static Command Announce()
    {
        var infoHash = InfoHashArgument();
        var port = CommonOptions.Port("--port", "The port peers should connect to (0 = our DHT port, implied_port).", 0);
        var command = new Command("announce", "Announce that we have a torrent (announce_peer, BEP 5).\n\nExample:\n  bt dht announce e3811b9539cacff680e418124272177c47477157 --port 6881")
            { infoHash, port, Bootstrap, LocalPort, Timeout };
        command.SetAction((parse, ct) => RunAsync(parse, ct, bootstrap: true, async (node, reporter, token) =>
        {
            var result = await node.AnnounceAsync(parse.GetValue(infoHash), parse.GetValue(port), token);
            reporter.Report(new DhtResultEvent("announce", new Dictionary<string, object?>
            {
                ["info_hash"] = parse.GetValue(infoHash).ToString(),
                ["nodes_queried"] = result.NodesQueried,
                ["nodes_accepted"] = result.NodesAccepted,
                ["peers"] = result.Peers.Select(p => p.ToString()).ToArray(),
            }));
            return result.NodesAccepted > 0 ? ExitCodes.Success : reporter.Fail("no node stored the announce", ExitCodes.NoPeers);
        }));
        return command;
    }

    private static Command Get()
    {
        var target = new Argument<string>("target") { Description = "The item's target (40 hex digits): SHA-1 of the value, or of key + salt." };
        var salt = new Option<string>("--salt") { Description = "The salt of a mutable item (UTF-8)." };
        var command = new Command("get", "Fetch a BEP 44 item (immutable or mutable) by its target.\n\nExample:\n  bt dht get 4ab5d1f58d2bd5e2d86a8e4e4cb29c34a4d1a6e8 --bootstrap 127.0.0.1:6881")
            { target, salt, Bootstrap, LocalPort, Timeout };
        command.SetAction((parse, ct) => RunAsync(parse, ct, bootstrap: true, async (node, reporter, token) =>
        {
            if (!NodeId.TryParse(parse.GetValue(target), out var id))
                return reporter.Fail($"'{parse.GetValue(target)}' is not 40 hex digits", ExitCodes.BadInput);
            var options = new DhtGetOptions { Salt = Encoding.UTF8.GetBytes(parse.GetValue(salt) ?? ""), UseCache = false };
            var item = await node.GetAsync(id, options, token);
            if (item is null) return reporter.Fail($"no node has item {id}", ExitCodes.NoPeers);
            reporter.Report(new DhtResultEvent("get", new Dictionary<string, object?>
            {
                ["target"] = id.ToString(),
                ["value"] = DescribeValue(item.Value),
                ["mutable"] = item.IsMutable,
                ["sequence"] = item.IsMutable ? item.Sequence : null,
                ["public_key"] = item.IsMutable ? Convert.ToHexStringLower(item.PublicKey.Span) : null,
            }));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Put()
    {
        var value = new Argument<string>("value") { Description = "The value: stored as a bencoded string, or as given with --bencoded." };
        var bencoded = new Option<bool>("--bencoded") { Description = "VALUE is already bencode (e.g. d1:ai1ee)." };
        var mutable = new Option<bool>("--mutable") { Description = "Store a signed mutable item (needs --key)." };
        var key = new Option<FileInfo>("--key") { Description = "File with the 32-byte ed25519 seed (raw or 64 hex digits); created if missing." };
        var salt = new Option<string>("--salt") { Description = "Salt of the mutable item (UTF-8, at most 64 bytes)." };
        var seq = new Option<long?>("--seq") { Description = "Sequence number of the mutable item (default: the current time in seconds)." };
        var command = new Command("put", "Store a BEP 44 item.\n\nExamples:\n  bt dht put hello\n  bt dht put --mutable --key my.key --salt blog 'post 1'")
            { value, bencoded, mutable, key, salt, seq, Bootstrap, LocalPort, Timeout };
        command.Validators.Add(r =>
        {
            if (r.GetValue(mutable) && r.GetValue(key) is null) r.AddError("--mutable needs --key FILE");
            if (!r.GetValue(mutable) && (r.GetValue(salt) is not null || r.GetValue(seq) is not null)) r.AddError("--salt and --seq need --mutable");
        });
        command.SetAction((parse, ct) => RunAsync(parse, ct, bootstrap: true, async (node, reporter, token) =>
        {
            byte[] raw = Encoding.UTF8.GetBytes(parse.GetValue(value)!);
            byte[] encoded;
            try
            {
                encoded = parse.GetValue(bencoded) ? Bencode.Bencode.Encode(Bencode.Bencode.Decode(raw)) : Bencode.Bencode.Encode(new BString(raw));
            }
            catch (BencodeException ex)
            {
                return reporter.Fail($"the value is not bencode: {ex.Message}", ExitCodes.BadInput);
            }
            if (encoded.Length > DhtItemTargets.MaxValueLength)
                return reporter.Fail($"the value is {encoded.Length} bytes bencoded; BEP 44 allows {DhtItemTargets.MaxValueLength}", ExitCodes.BadInput);
            DhtItem item;
            if (parse.GetValue(mutable))
            {
                byte[] saltBytes = Encoding.UTF8.GetBytes(parse.GetValue(salt) ?? "");
                if (saltBytes.Length > DhtItemTargets.MaxSaltLength)
                    return reporter.Fail($"the salt is {saltBytes.Length} bytes; BEP 44 allows {DhtItemTargets.MaxSaltLength}", ExitCodes.BadInput);
                byte[] seed = LoadOrCreateKey(parse.GetValue(key)!);
                long sequence = parse.GetValue(seq) ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                item = DhtItem.CreateMutable(seed, encoded, sequence, saltBytes);
            }
            else item = DhtItem.CreateImmutable(encoded);
            var result = await node.PutAsync(item, cancellationToken: token);
            reporter.Report(new DhtResultEvent("put", new Dictionary<string, object?>
            {
                ["target"] = result.Target.ToString(),
                ["nodes_queried"] = result.NodesQueried,
                ["nodes_accepted"] = result.NodesAccepted,
            }));
            return result.NodesAccepted > 0 ? ExitCodes.Success : reporter.Fail("no node stored the item", ExitCodes.NoPeers);
        }));
        return command;
    }

    private static Command Sample()
    {
        var address = new Argument<string>("address") { Description = "The node to ask, HOST:PORT." };
        var command = new Command("sample", "Ask one node for a sample of the info hashes it stores (sample_infohashes, BEP 51).\n\nExample:\n  bt dht sample 127.0.0.1:6881")
            { address, LocalPort, Timeout };
        command.SetAction((parse, ct) => RunAsync(parse, ct, bootstrap: false, async (node, reporter, token) =>
        {
            if (!Parsing.PeerEndPoint.TryParse(parse.GetValue(address)!, out var ep))
                return reporter.Fail($"'{parse.GetValue(address)}' is not HOST:PORT", ExitCodes.Usage);
            var result = await node.SampleInfohashesAsync(ep!, node.Id, token);
            reporter.Report(new DhtResultEvent("sample", new Dictionary<string, object?>
            {
                ["node"] = ep!.ToString(),
                ["num"] = result.Num,
                ["interval_seconds"] = result.Interval.TotalSeconds,
                ["samples"] = result.Samples.Select(s => s.ToString()).ToArray(),
            }));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Node()
    {
        var port = CommonOptions.Port("--port", "UDP port to listen on.", 6881);
        var state = new Option<FileInfo>("--state") { Description = "File to restore the routing table from and save it to (JSON)." };
        var command = new Command("node", "Run a standalone DHT node until Ctrl-C, keeping its table in a state file.\n\nExample:\n  bt dht node --port 6881 --state dht.json")
            { port, state, Bootstrap };
        command.SetAction(async (parse, ct) =>
        {
            var reporter = CommonOptions.CreateReporter(parse);
            var stateFile = parse.GetValue(state);
            DhtState? restored = null;
            if (stateFile is { Exists: true })
            {
                try { restored = DhtState.FromJson(await File.ReadAllTextAsync(stateFile.FullName, ct)); }
                catch (Exception ex) when (ex is System.Text.Json.JsonException or IOException or UnauthorizedAccessException)
                {
                    return reporter.Fail($"cannot read the state file {stateFile.FullName}: {ex.Message}", ExitCodes.BadInput);
                }
            }
            await using var node = new DhtNode(NodeOptions(parse, restored));
            node.Listen(parse.GetValue(port));
            reporter.Report(new DhtResultEvent("node", new Dictionary<string, object?>
                { ["id"] = node.Id.ToString(), ["listening"] = node.LocalEndPoint?.ToString() }));
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30));
            try
            {
                while (await timer.WaitForNextTickAsync(ct))
                {
                    var stats = node.GetStats();
                    reporter.Report(new DhtResultEvent("node", new Dictionary<string, object?> { ["nodes"] = node.NodeCount }));
                    if (stateFile is not null) await SaveStateAsync(node, stateFile, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
            if (stateFile is not null) await SaveStateAsync(node, stateFile, CancellationToken.None);
            return ct.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Success;
        });
        return command;
    }

    private static async Task SaveStateAsync(DhtNode node, FileInfo file, CancellationToken ct)
    {
        string temp = file.FullName + ".tmp";
        await File.WriteAllTextAsync(temp, node.ExportState().ToJson(), ct);
        File.Move(temp, file.FullName, overwrite: true);
    }

    private static Argument<InfoHash> InfoHashArgument() => new("info-hash")
    {
        Description = "The torrent's info hash, 40 hex digits.",
        CustomParser = r =>
        {
            if (InfoHash.TryParse(r.Tokens[0].Value, out var hash)) return hash;
            r.AddError($"'{r.Tokens[0].Value}' is not an info hash (40 hex digits)");
            return default;
        },
    };

    private static DhtNodeOptions NodeOptions(ParseResult parse, DhtState? state)
    {
        var bootstrap = parse.GetValue(Bootstrap) ?? [];
        return new DhtNodeOptions
        {
            BootstrapNodes = bootstrap.Length > 0 ? bootstrap : null,
            State = state,
            Logger = CommonOptions.CreateLoggerFactory(parse).CreateLogger("BitTorrent.Dht"),
        };
    }

    private delegate Task<int> DhtAction(DhtNode node, Reporter reporter, CancellationToken cancellationToken);

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct, bool bootstrap, DhtAction action)
    {
        var reporter = CommonOptions.CreateReporter(parse);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(parse.GetValue(Timeout));
        var options = NodeOptions(parse, null);
        if (!bootstrap) options = new DhtNodeOptions { BootstrapNodes = [], Logger = options.Logger };
        await using var node = new DhtNode(options);
        try
        {
            node.Listen(parse.GetValue(LocalPort));
            if (bootstrap) await node.WaitForReadyAsync(timeout.Token);
            return await action(node, reporter, timeout.Token);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return reporter.Fail("interrupted", ExitCodes.Interrupted);
        }
        catch (OperationCanceledException)
        {
            return reporter.Fail($"no answer within {parse.GetValue(Timeout)}", ExitCodes.NoPeers);
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            return reporter.Fail($"network error: {ex.Message}", ExitCodes.NoPeers);
        }
    }

    private static string DescribeValue(ReadOnlyMemory<byte> bencoded)
    {
        try
        {
            if (Bencode.Bencode.Decode(bencoded) is BString s && s.Bytes.ToArray() is var bytes && IsPrintable(bytes))
                return Encoding.UTF8.GetString(bytes);
        }
        catch (BencodeException)
        {
        }
        return Encoding.UTF8.GetString(bencoded.Span);
    }

    private static bool IsPrintable(byte[] bytes)
    {
        try { return !new UTF8Encoding(false, true).GetString(bytes).Any(char.IsControl); }
        catch (DecoderFallbackException) { return false; }
    }

    private static byte[] LoadOrCreateKey(FileInfo file)
    {
        if (!file.Exists)
        {
            byte[] fresh = RandomNumberGenerator.GetBytes(32);
            File.WriteAllText(file.FullName, Convert.ToHexStringLower(fresh) + "\n");
            return fresh;
        }
        byte[] content = File.ReadAllBytes(file.FullName);
        if (content.Length == 32) return content;
        string text = Encoding.ASCII.GetString(content).Trim();
        if (text.Length == 64) return Convert.FromHexString(text);
        throw new InvalidDataException($"{file.FullName} holds neither a 32-byte seed nor 64 hex digits");
    }
}
