using BitTorrent.Cli.Parsing;

namespace BitTorrent.Cli.Tests;

public class ParsingTests
{
    public static TheoryData<string[]> Commands() =>
    [
        ["demo"], ["dht", "ping"], ["dht", "lookup"], ["dht", "announce"], ["dht", "get"], ["dht", "put"],
        ["dht", "sample"], ["dht", "node"],
    ];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_command_has_help_with_an_example(string[] command)
    {
        var (exit, output, _) = await CliRunner.RunAsync([.. command, "--help"]);
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("Example", output);
        Assert.Contains("bt " + string.Join(' ', command), output);
    }

    [Theory]
    [InlineData("demo", "--bogus")]
    [InlineData("demo", "--size", "lots")]
    [InlineData("demo", "--piece-length", "100KiB")]
    [InlineData("dht", "lookup", "not-a-hash")]
    [InlineData("dht", "ping")]
    [InlineData("dht", "put", "x", "--mutable")]
    [InlineData("dht", "put", "x", "--salt", "s")]
    [InlineData("dht", "lookup", "e3811b9539cacff680e418124272177c47477157", "--bootstrap", "nowhere")]
    [InlineData("dht", "lookup", "e3811b9539cacff680e418124272177c47477157", "--timeout", "-1s")]
    [InlineData("get", "x.torrent", "--max-upload-rate", "fast")]
    [InlineData("seed", "x", "--max-upload-rate", "-2MB/s")]
    [InlineData("frobnicate")]
    public async Task Bad_command_lines_exit_2_with_one_line_and_a_hint(params string[] args)
    {
        var (exit, output, error) = await CliRunner.RunAsync(args);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("", output);
        Assert.StartsWith("bt: ", error);
        Assert.Contains("--help", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public async Task Version_names_the_commit()
    {
        var (exit, output, _) = await CliRunner.RunAsync("--version");
        Assert.Equal(0, exit);
        Assert.Matches(@"^bt \d+\.\d+\.\d+.*\+[0-9a-f]{7,40}\s*$", output);
    }

    [Theory]
    [InlineData("16MiB", 16L << 20)]
    [InlineData("1.5GiB", 3L << 29)]
    [InlineData("2MB", 2_000_000)]
    [InlineData("512k", 512 * 1024)]
    [InlineData("100", 100)]
    [InlineData(" 4 KiB ", 4096)]
    [InlineData("1TiB", 1L << 40)]
    public void Sizes_take_binary_and_decimal_units(string text, long expected)
    {
        Assert.True(ByteSize.TryParse(text, out long bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("MiB")]
    [InlineData("99999999999TiB")]
    [InlineData("12 parsecs")]
    public void Bad_sizes_are_refused(string text) => Assert.False(ByteSize.TryParse(text, out _));

    [Theory]
    [InlineData("2MB/s", 2_000_000)]
    [InlineData("500KiB/s", 512_000)]
    [InlineData("unlimited", 0)]
    [InlineData("0", 0)]
    public void Rates_take_units_per_second(string text, long expected)
    {
        Assert.True(ByteSize.TryParseRate(text, out long rate));
        Assert.Equal(expected, rate);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("2m", 120)]
    [InlineData("1h", 3600)]
    [InlineData("500ms", 0.5)]
    [InlineData("45", 45)]
    public void Durations_take_units(string text, double seconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("127.0.0.1:6881", "127.0.0.1:6881")]
    [InlineData("[::1]:6881", "[::1]:6881")]
    [InlineData("localhost:80", "127.0.0.1:80")]
    public void Peer_addresses_parse(string text, string expected)
    {
        Assert.True(PeerEndPoint.TryParse(text, out var endPoint));
        Assert.Equal(expected, endPoint!.ToString());
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:70000")]
    [InlineData(":80")]
    public void Bad_peer_addresses_are_refused(string text) => Assert.False(PeerEndPoint.TryParse(text, out _));
}
