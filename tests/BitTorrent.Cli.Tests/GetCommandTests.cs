using System.Net;
using BitTorrent.Cli.Output;
using BitTorrent.Client;
using BitTorrent.Metainfo;
using Spectre.Console.Testing;

namespace BitTorrent.Cli.Tests;

/// <summary><c>bt get</c> against one of our seeders over loopback: NDJSON, plain text, and the live view.</summary>
public sealed class GetCommandTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("bt-get-").FullName;
    private ClientEngine? _seeder;
    private string _torrentPath = "";
    private Torrent? _torrent;

    public async Task InitializeAsync()
    {
        string content = Path.Combine(_root, "seed", "clip");
        Directory.CreateDirectory(content);
        var bytes = new byte[700_000];
        new Random(3).NextBytes(bytes);
        await File.WriteAllBytesAsync(Path.Combine(content, "video.bin"), bytes);
        await File.WriteAllTextAsync(Path.Combine(content, "notes.txt"), "seeded by a test");
        _torrent = await TorrentCreator.CreateAsync(content, new TorrentCreateOptions { PieceLength = 32 * 1024 });
        _torrentPath = Path.Combine(_root, "clip.torrent");
        await File.WriteAllBytesAsync(_torrentPath, _torrent.Encode());
        _seeder = await ClientEngine.StartAsync(new EngineOptions { ListenAddresses = [IPAddress.Loopback], EnableDht = false });
        var seed = await _seeder.AddAsync(_torrent, new TorrentOptions { SaveDirectory = Path.Combine(_root, "seed") });
        await seed.WaitForCompletionAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        if (_seeder is not null) await _seeder.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private string SeederAddress => $"127.0.0.1:{_seeder!.ListenPort}";

    private void AssertSameFiles(string directory)
    {
        foreach (var file in _torrent!.Info.Files)
            Assert.Equal(File.ReadAllBytes(Path.Combine(_root, "seed", file.Path)), File.ReadAllBytes(Path.Combine(directory, file.Path)));
    }

    [Fact]
    public async Task Json_events_of_a_real_download_follow_the_schema_and_tell_the_story()
    {
        string target = Path.Combine(_root, "json");
        var (exit, output, error) = await CliRunner.RunAsync("--json", "get", _torrentPath, "-o", target, "--peer", SeederAddress,
            "--no-dht", "--peer-timeout", "30s");
        Assert.True(exit == ExitCodes.Success, $"exit {exit}: {error}");
        var events = TorrentCommandTests.JsonLines(output); // each line validated against ndjson.schema.json
        var kinds = events.Select(e => e.GetProperty("event").GetString()).ToList();
        Assert.Equal("started", kinds[0]);
        Assert.Contains("peer_connected", kinds);
        Assert.Equal(_torrent!.Info.PieceCount, kinds.Count(k => k == "piece_verified"));
        var complete = events.Single(e => e.GetProperty("event").GetString() == "complete");
        Assert.Equal(_torrent.Info.InfoHash.ToString(), complete.GetProperty("info_hash").GetString());
        Assert.True(kinds.IndexOf("complete") > kinds.LastIndexOf("piece_verified"));
        AssertSameFiles(target);
    }

    [Fact]
    public async Task Encryption_required_downloads_from_a_default_seeder_over_MSE_and_finds_no_peer_in_a_plaintext_only_one()
    {
        string target = Path.Combine(_root, "encrypted");
        var (exit, _, error) = await CliRunner.RunAsync("get", _torrentPath, "-o", target, "--peer", SeederAddress,
            "--no-dht", "--encryption", "required", "--peer-timeout", "30s");
        Assert.True(exit == ExitCodes.Success, $"exit {exit}: {error}");
        AssertSameFiles(target);

        await using var plaintextOnly = await ClientEngine.StartAsync(new EngineOptions
        {
            ListenAddresses = [IPAddress.Loopback],
            EnableDht = false,
            Encryption = new BitTorrent.Encryption.MseOptions { Policy = BitTorrent.Encryption.EncryptionPolicy.Disabled },
        });
        await plaintextOnly.AddAsync(_torrent!, new TorrentOptions { SaveDirectory = Path.Combine(_root, "seed") });
        (exit, _, error) = await CliRunner.RunAsync("get", _torrentPath, "-o", Path.Combine(_root, "refused"), "--peer",
            $"127.0.0.1:{plaintextOnly.ListenPort}", "--no-dht", "--encryption", "required", "--peer-timeout", "3s");
        Assert.True(exit == ExitCodes.NoPeers, $"exit {exit}: {error}");
    }

    [Fact]
    public async Task Redirected_output_is_plain_lines_without_escape_codes()
    {
        string target = Path.Combine(_root, "plain");
        var (exit, output, error) = await CliRunner.RunAsync("get", _torrentPath, "-o", target, "--peer", SeederAddress,
            "--no-dht", "--peer-timeout", "30s");
        Assert.True(exit == ExitCodes.Success, $"exit {exit}: {error}");
        Assert.DoesNotContain('\u001b', output);
        Assert.DoesNotContain('\u001b', error);
        Assert.Contains("clip", output);
        Assert.Contains("complete", output);
        AssertSameFiles(target);
    }

    [Fact]
    public async Task The_live_view_renders_progress_peers_by_source_and_a_peer_table()
    {
        // A bare wire that handshakes and stays: the seeder's view then has one incoming peer to show.
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var reading = new CancellationTokenSource();
        var alerts = Task.Run(async () =>
        {
            await foreach (var alert in _seeder!.ReadAlertsAsync(reading.Token)) if (alert is PeerConnectedAlert) connected.TrySetResult();
        });
        await using var peer = await BitTorrent.Wire.Wire.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _seeder!.ListenPort));
        peer.Handshake(_torrent!.Info.InfoHash, PeerId.CreateRandom());
        await connected.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var console = new TestConsole().Width(150);
        var view = new TorrentView(console, showPeers: true, TextWriter.Null);
        console.Write(view.Render(_seeder.Torrents));
        string screen = console.Output;
        Assert.Contains("clip", screen);
        Assert.Contains("100.0%", screen);
        Assert.Contains("peers 1/1 known (incoming 1)", screen); // connected / known, by source
        Assert.Contains("address", screen);                   // the --peers table
        Assert.Contains(peer.LocalEndPoint!.ToString()!, screen);
        await reading.CancelAsync();
        await alerts.ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
