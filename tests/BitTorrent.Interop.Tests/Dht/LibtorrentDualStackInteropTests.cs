using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using BitTorrent.Dht;

namespace BitTorrent.Interop.Tests.Dht;

/// <summary>
/// BEP 32 against libtorrent 2.0 on 127.0.0.1 and ::1: two dual-stack libtorrent sessions
/// (tests/interop-peers/dht-interop-lt.py --ipv6), the entry session's IPv6 node holding the other session's IPv6
/// node in its routing table. Our paired IPv4 and IPv6 nodes bootstrap from the entry session's IPv4 endpoint only.
/// </summary>
public class LibtorrentDualStackInteropTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Our_IPv6_node_learns_libtorrents_IPv6_node_through_want_over_IPv4()
    {
        await using var lt = await LibtorrentSessions.StartAsync();
        using var ours = await JoinThroughIPv4Async(lt);
        Assert.Contains(ours.V6.GetNodes(), n => n.EndPoint.Equals(new IPEndPoint(IPAddress.IPv6Loopback, lt.Other.Port6)));
    }

    [Fact]
    public async Task Libtorrent_finds_the_peer_our_IPv6_node_announces_after_learning_it_through_want()
    {
        await using var lt = await LibtorrentSessions.StartAsync();
        using var ours = await JoinThroughIPv4Async(lt);

        var infoHash = new InfoHash(RandomNumberGenerator.GetBytes(20));
        var announce = await ours.V6.AnnounceAsync(infoHash, 51413).WaitAsync(Limit);
        Assert.True(announce.NodesAccepted >= 1, $"{announce.NodesAccepted} of {announce.NodesQueried} accepted");

        // The entry session's IPv6 lookup reaches the other session's IPv6 node, which stored our announce sent over
        // IPv6 (hence the peer's address ::1).
        var reply = await lt.Entry.Process.CallAsync(new { cmd = "getPeers", infoHash = infoHash.ToString() });
        Assert.Contains("[::1]:51413", reply["peers"]!.AsArray().Select(p => (string)p!));
    }

    /// <summary>
    /// Starts our paired nodes against <paramref name="lt"/> and waits until our IPv6 node has added the other
    /// session's IPv6 node. Our IPv6 node bootstraps nowhere and no one knows it: it can only hear of that node through
    /// the nodes6 the entry session answers our IPv4 node's want, and adds it only once it answers a ping.
    /// </summary>
    private static async Task<PairedNodes> JoinThroughIPv4Async(LibtorrentSessions lt)
    {
        var expected = new IPEndPoint(IPAddress.IPv6Loopback, lt.Other.Port6);
        var added = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ours = StartPairedNodes(lt.Entry, v6 => v6.NodeAdded += (_, e) =>
        {
            if (e.EndPoint.Equals(expected))
            {
                added.TrySetResult();
            }
        });
        try
        {
            await ours.V4.WaitForReadyAsync().WaitAsync(Limit);
            await added.Task.WaitAsync(Limit);
            return ours;
        }
        catch (TimeoutException)
        {
            string Known(DhtNode node) => string.Join(", ", node.GetNodes().Select(n => n.EndPoint));
            var failure = new TimeoutException(
                $"Waited {Limit.TotalSeconds} s for our IPv6 node to add {expected}. IPv4 node knows [{Known(ours.V4)}]; IPv6 node knows [{Known(ours.V6)}].");
            ours.Dispose();
            throw failure;
        }
        catch
        {
            ours.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Our IPv4 node (bootstrapping from <paramref name="entry"/>'s IPv4 endpoint) paired with our IPv6 node
    /// (bootstrapping nowhere), with one id as BEP 32 recommends; the IPv6 node listens first so that the IPv4 node's
    /// bootstrap already carries want.
    /// </summary>
    private static PairedNodes StartPairedNodes(LibtorrentSession entry, Action<DhtNode> observeV6)
    {
        var id = new NodeId(RandomNumberGenerator.GetBytes(NodeId.Length));
        var pair = new PairedNodes(
            new DhtNode(new DhtNodeOptions { NodeId = id, BootstrapNodes = [new IPEndPoint(IPAddress.Loopback, entry.Port)] }),
            new DhtNode(new DhtNodeOptions { NodeId = id, BootstrapNodes = [] }));
        try
        {
            observeV6(pair.V6);
            pair.V4.PairWith(pair.V6);
            try
            {
                pair.V6.Listen(0, IPAddress.IPv6Loopback);
            }
            catch (SocketException ex)
            {
                throw new InvalidOperationException($"IPv6 loopback [::1] is unavailable on this machine ({ex.SocketErrorCode}); the BEP 32 interop tests need it.", ex);
            }
            pair.V4.Listen(0, IPAddress.Loopback);
            return pair;
        }
        catch
        {
            pair.Dispose();
            throw;
        }
    }

    private sealed record PairedNodes(DhtNode V4, DhtNode V6) : IDisposable
    {
        public void Dispose()
        {
            V4.Dispose();
            V6.Dispose();
        }
    }

    /// <summary>One libtorrent session listening on 127.0.0.1 and ::1, with its two UDP ports.</summary>
    private sealed record LibtorrentSession(DhtPeerProcess Process, int Port, int Port6);

    /// <summary>
    /// Two dual-stack libtorrent sessions with no bootstrap node; the entry session's IPv6 node has pinged the other
    /// session's IPv6 node and holds it in its routing table. Disposing kills both.
    /// </summary>
    private sealed class LibtorrentSessions : IAsyncDisposable
    {
        private readonly List<DhtPeerProcess> _processes = [];

        public LibtorrentSession Entry { get; private set; } = null!;

        public LibtorrentSession Other { get; private set; } = null!;

        public static async Task<LibtorrentSessions> StartAsync()
        {
            var sessions = new LibtorrentSessions();
            try
            {
                sessions.Other = await sessions.StartSessionAsync();
                sessions.Entry = await sessions.StartSessionAsync();
                await sessions.Entry.Process.CallAsync(new { cmd = "addNode", host = "::1", port = sessions.Other.Port6 });
                return sessions;
            }
            catch
            {
                await sessions.DisposeAsync();
                throw;
            }
        }

        private async Task<LibtorrentSession> StartSessionAsync()
        {
            var process = DhtPeerProcess.StartPython("dht-interop-lt.py", "--ipv6");
            _processes.Add(process);
            var ready = await process.ReadAsync();
            int port6 = (int)ready["port6"]!;
            if (port6 == 0)
            {
                throw new InvalidOperationException($"libtorrent could not listen on [::1]: is IPv6 loopback available? {ready.ToJsonString()}\n{process.Output}");
            }
            return new LibtorrentSession(process, (int)ready["port"]!, port6);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var process in _processes)
            {
                await process.DisposeAsync();
            }
        }
    }
}
