using System.Text.Json;

namespace BitTorrent.Cli.Tests;

public sealed class TorrentCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bt-cli-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string MakeContent()
    {
        string data = Path.Combine(_root, "album");
        Directory.CreateDirectory(Path.Combine(data, "disc 2"));
        var random = new Random(7);
        var big = new byte[300_000];
        random.NextBytes(big);
        File.WriteAllBytes(Path.Combine(data, "one.flac"), big);
        File.WriteAllBytes(Path.Combine(data, "disc 2", "two.txt"), "tiny"u8.ToArray());
        File.WriteAllBytes(Path.Combine(data, "empty"), []);
        return data;
    }

    [Fact]
    public async Task Create_then_info_then_verify_round_trip_as_json()
    {
        string data = MakeContent();
        string torrent = Path.Combine(_root, "album.torrent");
        var (exit, output, error) = await CliRunner.RunAsync("--json", "create", data, "-o", torrent, "--piece-length", "32KiB",
            "--tracker", "http://127.0.0.1:1/announce,udp://127.0.0.1:2", "--tracker", "http://127.0.0.1:3/announce", "--private");
        Assert.True(exit == 0, error);
        var created = JsonLines(output).Single(e => e.GetProperty("event").GetString() == "created");
        Assert.Equal(10, created.GetProperty("pieces").GetInt32()); // 300,004 bytes in 32 KiB pieces
        string hash = created.GetProperty("info_hash").GetString()!;

        (exit, output, _) = await CliRunner.RunAsync("--json", "info", torrent);
        Assert.Equal(0, exit);
        var info = JsonLines(output).Single();
        Assert.Equal(hash, info.GetProperty("info_hash").GetString());
        Assert.True(info.GetProperty("private").GetBoolean());
        Assert.Equal(32768, info.GetProperty("piece_length").GetInt32());
        Assert.Equal(["album/disc 2/two.txt", "album/empty", "album/one.flac"],
            info.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()).Order());
        Assert.Equal(2, info.GetProperty("trackers").GetArrayLength());
        Assert.Equal(2, info.GetProperty("trackers")[0].GetArrayLength());

        (exit, output, _) = await CliRunner.RunAsync("--json", "verify", torrent, _root);
        Assert.Equal(0, exit);
        var verified = JsonLines(output).Single(e => e.GetProperty("event").GetString() == "verified");
        Assert.Equal(10, verified.GetProperty("good").GetInt32());

        using (var f = File.OpenWrite(Path.Combine(data, "one.flac"))) { f.Position = 70_000; f.WriteByte(0xFF ^ 0x5A); }
        File.Delete(Path.Combine(data, "disc 2", "two.txt"));
        (exit, output, _) = await CliRunner.RunAsync("--json", "verify", torrent, _root);
        Assert.Equal(ExitCodes.Failed, exit);
        verified = JsonLines(output).Single(e => e.GetProperty("event").GetString() == "verified");
        // Files are in path order: "disc 2/two.txt" (piece 0), "empty", then one.flac from offset 4 (byte 70,004 is in piece 2).
        Assert.Equal([0, 2], verified.GetProperty("bad").EnumerateArray().Select(b => b.GetInt32()));
    }

    [Fact]
    public async Task Plain_info_lists_files_and_the_magnet()
    {
        string data = MakeContent();
        string torrent = Path.Combine(_root, "a.torrent");
        Assert.Equal(0, (await CliRunner.RunAsync("create", data, "-o", torrent)).Exit);
        var (exit, output, _) = await CliRunner.RunAsync("info", torrent);
        Assert.Equal(0, exit);
        Assert.Contains("album/disc 2/two.txt", output);
        Assert.Contains("magnet      magnet:?xt=urn:btih:", output);
        Assert.DoesNotContain("\u001b[", output);
    }

    [Theory]
    [InlineData("d4:infod4:name1:xee")]
    [InlineData("not bencode at all")]
    [InlineData("d4:infod6:lengthi-5e4:name1:x12:piece lengthi16384e6:pieces0:ee")]
    public async Task A_bad_torrent_exits_3_with_one_sentence(string content)
    {
        string torrent = Path.Combine(_root, "bad.torrent");
        File.WriteAllText(torrent, content);
        var (exit, output, error) = await CliRunner.RunAsync("info", torrent);
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Equal("", output);
        Assert.StartsWith("bt: the torrent is not valid", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_torrent_that_cannot_be_written_exits_5_and_leaves_nothing_behind()
    {
        string data = MakeContent();
        string occupied = Path.Combine(_root, "occupied");
        Directory.CreateDirectory(occupied); // the output path is a directory: the final rename fails
        var (exit, output, error) = await CliRunner.RunAsync("create", data, "-o", occupied);
        Assert.Equal(ExitCodes.IoError, exit);
        Assert.StartsWith("bt: I/O error", error);
        Assert.False(File.Exists(occupied + ".part"));
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public async Task A_download_that_no_peer_joins_exits_4()
    {
        string torrent = Path.Combine(_root, "lonely.torrent");
        Assert.Equal(0, (await CliRunner.RunAsync("create", MakeContent(), "-o", torrent)).Exit);
        var (exit, _, error) = await CliRunner.RunAsync("get", torrent, "-o", Path.Combine(_root, "nowhere"), "--no-dht",
            "--peer-timeout", "1s");
        Assert.Equal(ExitCodes.NoPeers, exit);
        Assert.Equal("bt: no peer connected within 00:00:01", error.Trim());
    }

    [Fact]
    public async Task Missing_inputs_are_bad_input()
    {
        Assert.Equal(ExitCodes.BadInput, (await CliRunner.RunAsync("info", Path.Combine(_root, "none.torrent"))).Exit);
        Assert.Equal(ExitCodes.BadInput, (await CliRunner.RunAsync("create", Path.Combine(_root, "none"))).Exit);
        Assert.Equal(ExitCodes.BadInput, (await CliRunner.RunAsync("info", "magnet:?xt=urn:btih:zz")).Exit);
    }

    [Fact]
    public async Task Info_reads_magnets_and_bare_info_hashes()
    {
        var (exit, output, _) = await CliRunner.RunAsync("--json", "info", "e3811b9539cacff680e418124272177c47477157");
        Assert.Equal(0, exit);
        Assert.Equal("e3811b9539cacff680e418124272177c47477157", JsonLines(output).Single().GetProperty("info_hash").GetString());
        (exit, output, _) = await CliRunner.RunAsync("info", "magnet:?xt=urn:btih:e3811b9539cacff680e418124272177c47477157&dn=x&tr=udp%3A%2F%2F127.0.0.1%3A9%2Fa");
        Assert.Equal(0, exit);
        Assert.Contains("tracker     tier 0: udp://127.0.0.1:9/a", output);
    }

    internal static List<JsonElement> JsonLines(string output)
    {
        var list = new List<JsonElement>();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var element = JsonDocument.Parse(line).RootElement;
            SchemaAssert.Valid(element);
            list.Add(element);
        }
        return list;
    }
}
