namespace BitTorrent.Client.Tests;

/// <summary>Several of our engines over loopback TCP: peer exchange, leechers uploading to each other, magnet links.</summary>
public sealed class SwarmTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Eight_leechers_that_each_know_one_peer_find_others_through_pex_and_upload_to_each_other()
    {
        using var content = await TestContent.CreateAsync([1_500_000, 700_000], pieceLength: 32 * 1024);
        var time = new TimerWatchingClock();
        // ut_pex starts its 65 s timer when the extended handshake is in: 8 links, both ends.
        var pexTimers = time.TimersCreated(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(65), count: 16);
        // Leechers verify pieces but cannot write any until the gate opens: no leecher completes (and leaves) before PEX ran.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var engines = new List<ClientEngine>();
        var watchers = new List<AlertWatcher>();
        try
        {
            for (int i = 0; i < 9; i++)
            {
                var options = LoopbackSwarmTests.LoopbackOptions() with { TimeProvider = time };
                if (i > 0) options = options with { StorageFactory = (info, torrent) => new GatedStorage(info, torrent, gate.Task) };
                var engine = await ClientEngine.StartAsync(options);
                engines.Add(engine);
                watchers.Add(new AlertWatcher(engine));
            }
            var seed = await engines[0].AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.SeedDirectory });
            await seed.WaitForCompletionAsync().WaitAsync(Bound);
            var leechers = new List<TorrentSession>();
            for (int i = 1; i < 9; i++)
            {
                var leecher = await engines[i].AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.NewDirectory($"leecher{i}") });
                await watchers[i].WaitForAsync(a => a is StateChangedAlert { State: TorrentState.Downloading }).WaitAsync(Bound);
                leechers.Add(leecher);
            }
            // A chain: leecher i knows only engine i - 1 (each is checked and accepting peers by now).
            for (int i = 1; i < 9; i++) leechers[i - 1].AddPeer(LoopbackSwarmTests.EndPointOf(engines[i - 1]));
            for (int i = 1; i < 9; i++)
                await watchers[i].WaitForAsync(a => a is PeerConnectedAlert { Peer.Source: PeerSource.Explicit }).WaitAsync(Bound);

            // One second on the shared virtual clock, once every wire's ut_pex timer exists: as libtorrent, each wire sends
            // its first PEX list a second after the handshake, not one 65 s interval later.
            await pexTimers.WaitAsync(Bound);
            time.Advance(TimeSpan.FromSeconds(1));

            // Each leecher ends up connected to more peers than its neighbours in the chain: the rest came through PEX
            // (the side that learned an address dials it with source Pex; the other side sees it as incoming).
            for (int i = 1; i < 9; i++)
            {
                int neighbours = i == 8 ? 1 : 2;
                await watchers[i].WaitForAsync(_ => DistinctPeers(watchers[i]) > neighbours).WaitAsync(Bound);
            }
            gate.SetResult();
            foreach (var leecher in leechers) await leecher.WaitForCompletionAsync().WaitAsync(Bound);
            for (int i = 1; i < 9; i++) content.AssertSameFiles(Path.Combine(content.Root, $"leecher{i}"));
            // Leechers exchange pieces among themselves: most of them upload, and together more than a tenth of the data.
            Assert.True(leechers.Count(l => l.Uploaded > 0) >= 4, string.Join(", ", leechers.Select(l => l.Uploaded)));
            Assert.True(leechers.Sum(l => l.Uploaded) > content.Torrent.Info.TotalLength / 10);
        }
        finally
        {
            foreach (var watcher in watchers) await watcher.DisposeAsync();
            foreach (var engine in engines) await engine.DisposeAsync();
        }
    }

    private static int DistinctPeers(AlertWatcher watcher) =>
        watcher.Seen.OfType<PeerConnectedAlert>().Select(a => a.Peer.PeerId).Distinct().Count();

    [Fact]
    public async Task A_magnet_link_fetches_the_metadata_from_our_seeder_and_completes()
    {
        using var content = await TestContent.CreateAsync([400_000, 90_000], pieceLength: 16 * 1024);
        await using var seeder = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        await using var leecher = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        await using var alerts = new AlertWatcher(leecher);
        var seed = await seeder.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.SeedDirectory });
        await seed.WaitForCompletionAsync().WaitAsync(Bound);

        var magnet = new BitTorrent.Extensions.MagnetLink(content.Torrent.Info.InfoHash, peers: [LoopbackSwarmTests.EndPointOf(seeder)]);
        var target = content.NewDirectory("magnet");
        var session = await leecher.AddAsync(magnet, new TorrentOptions { SaveDirectory = target });
        Assert.Null(session.Info);
        await session.WaitForCompletionAsync().WaitAsync(Bound);

        var metadata = (MetadataReceivedAlert)await alerts.WaitForAsync(a => a is MetadataReceivedAlert);
        Assert.Equal(content.Torrent.Info.Name, metadata.Name);
        Assert.Equal(content.Torrent.Info.RawInfo.ToArray(), session.Info!.RawInfo.ToArray());
        Assert.Contains(alerts.Seen, a => a is PeerConnectedAlert { Peer.Source: PeerSource.Magnet });
        content.AssertSameFiles(target);
    }
}
