using System.Text.Json;

namespace BitTorrent.Cli.Tests;

public class DemoTests
{
    [Fact]
    public async Task Demo_swarm_completes_from_the_magnet_with_peers_from_the_dht_and_pex_and_leechers_trading()
    {
        var (exit, output, error) = await CliRunner.RunAsync("--json", "demo", "--peers", "4", "--size", "6MiB", "--dht-nodes", "12",
            "--timeout", "100s");
        var events = TorrentCommandTests.JsonLines(output);
        var summary = events.Single(e => e.GetProperty("event").GetString() == "summary");
        Assert.True(exit == 0, $"exit {exit}: {error}\n{summary.GetRawText()}");
        var peers = summary.GetProperty("peers").EnumerateArray().ToList();
        Assert.Equal(4, peers.Count);
        Assert.All(peers, p => Assert.True(p.GetProperty("complete").GetBoolean()));
        Assert.All(peers, p => Assert.Equal(0, p.GetProperty("hash_failures").GetInt32()));
        int pieces = events.Single(e => e.GetProperty("event").GetString() == "metadata").GetProperty("pieces").GetInt32();
        Assert.All(peers, p => Assert.Equal(pieces, p.GetProperty("pieces_verified").GetInt32()));
        Assert.All(peers, p => Assert.True(p.GetProperty("downloaded").GetInt64() >= 6L << 20));
        // Odd leechers find peers on the DHT; even ones run without it and meet every other leecher through PEX.
        Assert.Contains(peers, p => p.GetProperty("peers_from_dht").GetInt32() > 0);
        Assert.Contains(peers, p => p.GetProperty("peers_from_pex").GetInt32() > 0);
        // The seeder uploads 1.5 MiB/s: the 24 MiB the leechers need can only come, mostly, from each other.
        long fromLeechers = peers.Sum(p => p.GetProperty("uploaded").GetInt64());
        Assert.True(fromLeechers >= 6L << 20, $"leechers uploaded {fromLeechers} bytes to each other");
    }
}
