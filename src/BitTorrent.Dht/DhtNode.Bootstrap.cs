using System.Net;
using System.Net.Sockets;
using BitTorrent.Dht.Lookup;
using Microsoft.Extensions.Logging;

namespace BitTorrent.Dht;

/// <summary>Joining the network: restoring a saved state, resolving the bootstrap routers and the first traversal.</summary>
public sealed partial class DhtNode
{
    private void RestoreState()
    {
        if (_options.State is not DhtState state)
        {
            return;
        }
        long now = NowTicks;
        foreach (var node in state.Nodes)
        {
            if (NodeId.TryParse(node.Id, out var id) && IPAddress.TryParse(node.Host, out var ip) && node.Port is > 0 and <= 65535)
            {
                var at = NodeEndPoint.From(new IPEndPoint(ip, node.Port));
                if (at.IsIPv6 == AddressFamilyIsIPv6)
                {
                    _table.TryAdd(id, at, now, responded: false, isVerified: true, out _);
                }
            }
        }
        foreach (var peer in state.Peers)
        {
            if (InfoHash.TryParse(peer.InfoHash, out var infoHash) && IPAddress.TryParse(peer.Host, out var ip) && peer.Port is > 0 and <= 65535)
            {
                _peers.Add(infoHash, NodeEndPoint.From(new IPEndPoint(ip, peer.Port)), now);
            }
        }
        foreach (var saved in state.Items)
        {
            try
            {
                var item = new DhtItem
                {
                    Value = Convert.FromHexString(saved.Value),
                    PublicKey = saved.PublicKey is null ? default : Convert.FromHexString(saved.PublicKey),
                    Signature = saved.Signature is null ? default : Convert.FromHexString(saved.Signature),
                    Salt = saved.Salt is null ? default : Convert.FromHexString(saved.Salt),
                    Sequence = saved.Sequence,
                };
                if (item.Value.Length <= DhtItemTargets.MaxValueLength && item.VerifySignature(Verifier))
                {
                    _items.Put(item.Target, item, now);
                }
            }
            catch (FormatException)
            {
                _logger.LogDebug("Skipping a malformed saved DHT item");
            }
        }
    }

    private void StartBootstrap()
    {
        if (_destroyed || _bootstrapping)
        {
            return;
        }
        if (_table.Count == 0 && BootstrapRouters.Count == 0)
        {
            SetReady();
            return;
        }
        _bootstrapping = true;
        if (_table.Count > 0)
        {
            RunBootstrapTraversal();
            return;
        }
        _ = ResolveRoutersThenBootstrapAsync();
    }

    private async Task ResolveRoutersThenBootstrapAsync()
    {
        var resolved = new List<NodeEndPoint>();
        foreach (var router in BootstrapRouters)
        {
            switch (router)
            {
                case IPEndPoint ip:
                    resolved.Add(NodeEndPoint.From(ip));
                    break;
                case DnsEndPoint dns:
                    try
                    {
                        var family = AddressFamilyIsIPv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
                        var addresses = await Dns.GetHostAddressesAsync(dns.Host, family).ConfigureAwait(false);
                        resolved.AddRange(addresses.Take(4).Select(a => NodeEndPoint.From(new IPEndPoint(a, dns.Port))));
                    }
                    catch (SocketException ex)
                    {
                        lock (_gate)
                        {
                            Warn(DhtWarningKind.BootstrapResolutionFailed, $"{dns.Host}: {ex.Message}", null);
                        }
                    }
                    break;
            }
        }
        lock (_gate)
        {
            _routers = resolved.Where(r => r.IsIPv6 == AddressFamilyIsIPv6).ToList();
            _routersTried = true;
            RunBootstrapTraversal(includeRouters: true);
        }
    }

    private void RunBootstrapTraversal(bool includeRouters = false)
    {
        if (_destroyed)
        {
            return;
        }
        var traversal = new FindNodeTraversal(this, Id, t =>
        {
            if (t.Responded == 0 && !_routersTried && BootstrapRouters.Count > 0 && !_destroyed)
            {
                // The restored table was stale: fall back to the routers.
                _ = ResolveRoutersThenBootstrapAsync();
                return;
            }
            _bootstrapping = false;
            SetReady();
        }) { Parallelism = _options.Concurrency };
        Seed(traversal, includeRouters);
        traversal.Step();
    }

    private void SetReady()
    {
        if (_ready.TrySetResult())
        {
            Ready?.Invoke(this, EventArgs.Empty);
        }
    }
}
