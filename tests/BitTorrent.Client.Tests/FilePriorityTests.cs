using BitTorrent.Storage;

namespace BitTorrent.Client.Tests;

/// <summary>File priorities changed while a torrent runs, on real files over loopback.</summary>
public sealed class FilePriorityTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_skipped_file_made_wanted_after_completion_is_created_downloaded_and_completes_the_torrent_again()
    {
        // File 1 starts inside piece 4 and ends inside piece 7, both shared with its neighbours: their bytes in it went to
        // the part file while it was skipped, and must be in it once it is wanted.
        using var content = await TestContent.CreateAsync([300_000, 150_000, 200_000], pieceLength: 64 * 1024);
        await using var seeder = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        await using var leecher = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        await using var alerts = new AlertWatcher(leecher);
        var seed = await seeder.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.SeedDirectory });
        await seed.WaitForCompletionAsync().WaitAsync(Bound);
        string target = content.NewDirectory("leecher");
        var session = await leecher.AddAsync(content.Torrent, new TorrentOptions
        {
            SaveDirectory = target,
            SelectedFiles = [0, 2],
            Peers = [LoopbackSwarmTests.EndPointOf(seeder)],
        });
        await session.WaitForCompletionAsync().WaitAsync(Bound);
        var files = content.Torrent.Info.Files;
        string skipped = Path.Combine(target, files[1].Path);
        Assert.False(File.Exists(skipped), "a skipped file was created");

        await session.SetFilePrioritiesAsync([FilePriority.Normal, FilePriority.High, FilePriority.Normal]).WaitAsync(Bound);
        await alerts.WaitForAsync(a => a is TorrentCompletedAlert && alerts.Seen.Count(s => s is TorrentCompletedAlert) == 2).WaitAsync(Bound);

        Assert.Equal(TorrentState.Seeding, session.State);
        Assert.Equal(1.0, session.Progress);
        content.AssertSameFiles(target);
    }

    [Fact]
    public async Task Priorities_that_do_not_name_every_file_once_are_refused_and_change_nothing()
    {
        using var content = await TestContent.CreateAsync([100_000, 50_000], pieceLength: 16 * 1024);
        await using var engine = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        var seed = await engine.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.SeedDirectory });
        await seed.WaitForCompletionAsync().WaitAsync(Bound);

        await Assert.ThrowsAsync<ArgumentException>(() => seed.SetFilePrioritiesAsync([FilePriority.Normal]));
        await Assert.ThrowsAsync<ArgumentException>(() => seed.SetFilePrioritiesAsync([FilePriority.Normal, (FilePriority)9]));
        Assert.Equal(TorrentState.Seeding, seed.State);
        await seed.StopAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => seed.SetFilePrioritiesAsync([FilePriority.Normal, FilePriority.Skip]));
    }
}
