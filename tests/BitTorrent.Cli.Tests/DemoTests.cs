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
}
