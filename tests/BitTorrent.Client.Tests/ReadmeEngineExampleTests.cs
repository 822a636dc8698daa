using BitTorrent.Metainfo;

namespace BitTorrent.Client.Tests;

/// <summary>The README's engine example, kept compiling and run: a .torrent file in, a completed download out.</summary>
public class ReadmeEngineExampleTests
{
    [Fact]
    public async Task The_readme_engine_example_downloads_a_torrent_file()
    {
        using var content = await TestContent.CreateAsync([300_000, 50_000], pieceLength: 16 * 1024);
        string torrentPath = Path.Combine(content.Root, "example.torrent");
        await File.WriteAllBytesAsync(torrentPath, content.Torrent.Encode());
        await using var seeder = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        await (await seeder.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.SeedDirectory }))
            .WaitForCompletionAsync().WaitAsync(TimeSpan.FromSeconds(60));
        string downloads = content.NewDirectory("downloads");
        var completedAlert = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // From here on, the README's lines (its listen port, file name and directory replaced, the seeder named).
        await using var engine = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        var session = await engine.AddAsync(Torrent.Load(torrentPath), new TorrentOptions
        {
            SaveDirectory = downloads,
            Peers = [LoopbackSwarmTests.EndPointOf(seeder)],
        });
        _ = Task.Run(async () =>
        {
            await foreach (var alert in engine.ReadAlertsAsync()) if (alert is TorrentCompletedAlert) completedAlert.TrySetResult();
        });
        await session.WaitForCompletionAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(TorrentState.Seeding, session.State);
        Assert.Equal(1.0, session.Progress);
        await engine.RemoveAsync(session);

        content.AssertSameFiles(downloads);
        await completedAlert.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }
}
