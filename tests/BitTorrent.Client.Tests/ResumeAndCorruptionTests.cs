using System.Net;
using System.Net.Sockets;
using BitTorrent.Wire;

namespace BitTorrent.Client.Tests;

/// <summary>Restarting on existing data, and a peer that serves bad blocks.</summary>
public sealed class ResumeAndCorruptionTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_restart_on_partial_data_downloads_only_the_pieces_that_fail_the_check_and_a_complete_restart_downloads_nothing()
    {
        const int pieceLength = 32 * 1024;
        using var content = await TestContent.CreateAsync([400_000, 100_000], pieceLength);
        await using var seeder = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        var seed = await seeder.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.SeedDirectory });
        await seed.WaitForCompletionAsync().WaitAsync(Bound);

        // The leecher's directory holds a copy of the data with pieces 2 and 5 damaged (as after a kill mid-download).
        var target = content.NewDirectory("restart");
        var file0 = content.Torrent.Info.Files[0];
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, file0.Path))!);
        foreach (var file in content.Torrent.Info.Files)
            File.Copy(Path.Combine(content.SeedDirectory, file.Path), Path.Combine(target, file.Path));
        await using (var stream = File.OpenWrite(Path.Combine(target, file0.Path)))
        {
            foreach (int piece in new[] { 2, 5 })
            {
                stream.Position = (long)piece * pieceLength + 100;
                stream.Write(new byte[64]);
            }
        }

        await using (var leecher = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions()))
        await using (var alerts = new AlertWatcher(leecher))
        {
            var session = await leecher.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = target, Peers = [LoopbackSwarmTests.EndPointOf(seeder)] });
            await session.WaitForCompletionAsync().WaitAsync(Bound);
            await alerts.WaitForAsync(a => a is PieceVerifiedAlert { Piece: 2 }).WaitAsync(Bound);
            await alerts.WaitForAsync(a => a is PieceVerifiedAlert { Piece: 5 }).WaitAsync(Bound);
            Assert.Equal([2, 5], alerts.Seen.OfType<PieceVerifiedAlert>().Select(a => a.Piece).Order().ToArray());
            Assert.Equal(2L * pieceLength, session.Downloaded);
            await leecher.RemoveAsync(session);
        }
        content.AssertSameFiles(target);

        // Restarted on complete data (with the resume file written on stop): seeding at once, nothing downloaded.
        await using (var again = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions()))
        {
            var session = await again.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = target });
            await session.WaitForCompletionAsync().WaitAsync(Bound);
            Assert.Equal(TorrentState.Seeding, session.State);
            Assert.Equal(0, session.Downloaded);
        }
    }

    [Fact]
    public async Task Pieces_from_a_peer_serving_bad_blocks_fail_their_check_the_peer_is_banned_and_the_files_are_correct()
    {
        using var content = await TestContent.CreateAsync([600_000], pieceLength: 16 * 1024);
        await using var seeder = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        var seed = await seeder.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = content.SeedDirectory });
        await seed.WaitForCompletionAsync().WaitAsync(Bound);
        using var liar = new CorruptSeeder(content.Torrent.Info.InfoHash);

        await using var leecher = await ClientEngine.StartAsync(LoopbackSwarmTests.LoopbackOptions());
        await using var alerts = new AlertWatcher(leecher);
        var target = content.NewDirectory("victim");
        // The liar alone first (with the honest seeder too, under load the seeder could serve everything before the liar
        // served a block): its pieces fail until it is banned; then the seeder completes the download.
        var session = await leecher.AddAsync(content.Torrent, new TorrentOptions { SaveDirectory = target, Peers = [liar.EndPoint] });
        var banned = (PeerBannedAlert)await alerts.WaitForAsync(a => a is PeerBannedAlert).WaitAsync(Bound);
        Assert.Equal(liar.EndPoint, banned.EndPoint);
        var failures = alerts.Seen.TakeWhile(a => a is not PeerBannedAlert).OfType<HashFailedAlert>().ToList();
        session.AddPeer(LoopbackSwarmTests.EndPointOf(seeder));
        await session.WaitForCompletionAsync().WaitAsync(Bound);

        content.AssertSameFiles(target);
        // Until the ban only the liar served blocks, so every failure names it.
        Assert.NotEmpty(failures);
        Assert.All(failures, f => Assert.Contains(liar.EndPoint, f.Peers));
    }

    /// <summary>A peer that claims every piece and answers every request with zeros.</summary>
    private sealed class CorruptSeeder : IDisposable
    {
        private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        public CorruptSeeder(InfoHash infoHash)
        {
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen();
            EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
            _ = Task.Run(async () =>
            {
                while (true)
                {
                    Socket socket;
                    try
                    {
                        socket = await _listener.AcceptAsync();
                    }
                    catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                    {
                        return;
                    }
                    var wire = new BitTorrent.Wire.Wire(socket);
                    wire.HandshakeReceived += (_, _) =>
                    {
                        wire.Handshake(infoHash, PeerId.CreateRandom(), WireExtensions.Fast);
                        wire.HaveAll();
                        wire.Unchoke();
                    };
                    wire.RequestHandler = (request, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(new byte[request.Length]);
                    wire.Start();
                }
            });
        }

        public IPEndPoint EndPoint { get; }

        public void Dispose() => _listener.Dispose();
    }
}
