using BitTorrent.Cli;

namespace BitTorrent.Cli.Tests;

public class DemoTests
{
    [Fact]
    public async Task Demo_fetches_metadata_then_every_piece_and_verifies_them()
    {
        var output = new StringWriter();
        int exit = await DemoCommand.RunAsync(new DemoOptions { SizeMiB = 3, PieceKiB = 64, Depth = 16, Seed = 5 }, output)
            .WaitAsync(TimeSpan.FromMinutes(1));
        string text = output.ToString();
        Assert.Equal(0, exit);
        Assert.Contains("magnet:?xt=urn:btih:", text);
        Assert.Contains("48 pieces of 64 KiB", text);
        Assert.Contains("pieces     48/48 verified by SHA-1", text);
        Assert.Contains("identical to the seeder's", text);
    }

    [Theory]
    [InlineData("--size-mib", "0")]
    [InlineData("--piece-kib", "100")]
    [InlineData("--depth", "x")]
    [InlineData("--bogus", "1")]
    [InlineData("--size-mib")]
    public void Bad_options_are_usage_errors(params string[] args) =>
        Assert.Throws<CliUsageException>(() => DemoOptions.Parse(args));

    [Fact]
    public void Options_parse()
    {
        var options = DemoOptions.Parse(["--size-mib", "8", "--piece-kib", "512", "--depth", "32", "--seed", "9"]);
        Assert.Equal(new DemoOptions { SizeMiB = 8, PieceKiB = 512, Depth = 32, Seed = 9 }, options);
    }
}
