using System.Net;

namespace BitTorrent.Dht.Tests;

public class UdpTests
{
    [Fact]
    public async Task Two_nodes_over_real_udp_on_loopback_announce_and_look_up()
    {
        var torrent = InfoHash.Parse("5555555555555555555555555555555555555555");
        using var a = new DhtNode(new DhtNodeOptions { BootstrapNodes = [] });
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        a.Listening += (_, _) => listening.TrySetResult();
        a.Listen(0, IPAddress.Loopback);
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(IPAddress.Loopback, a.LocalEndPoint!.Address);

        using var b = new DhtNode(new DhtNodeOptions { BootstrapNodes = [a.LocalEndPoint] });
        b.Listen(0, IPAddress.Loopback);
        await b.WaitForReadyAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(a.Id, Assert.Single(b.GetNodes()).Id);
        Assert.Equal(a.Id, await b.PingAsync(a.LocalEndPoint).WaitAsync(TimeSpan.FromSeconds(20)));

        var announce = await b.AnnounceAsync(torrent, 6000).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(1, announce.NodesAccepted);
        var lookup = await a.LookupAsync(torrent).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains(new IPEndPoint(IPAddress.Loopback, 6000), lookup.Peers);
    }

    [Fact]
    public async Task Binding_a_busy_port_raises_error_and_throws()
    {
        using var a = new DhtNode(new DhtNodeOptions { BootstrapNodes = [] });
        a.Listen(0, IPAddress.Loopback);
        using var b = new DhtNode(new DhtNodeOptions { BootstrapNodes = [] });
        var error = new TaskCompletionSource<DhtErrorEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.Error += (_, e) => error.TrySetResult(e);
        var thrown = Assert.Throws<System.Net.Sockets.SocketException>(() => b.Listen(a.LocalEndPoint!.Port, IPAddress.Loopback));
        Assert.Same(thrown, (await error.Task.WaitAsync(TimeSpan.FromSeconds(20))).Exception);
    }
}
