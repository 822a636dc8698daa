using System.Net;
using System.Net.Sockets;
using BitTorrent.Dht.Lookup;
using Microsoft.Extensions.Logging;

namespace BitTorrent.Dht;

/// <summary>Joining the network: resolving the bootstrap routers, the first traversal, and retrying with backoff.</summary>
public sealed partial class DhtNode
{
    private static readonly TimeSpan FirstBootstrapRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxBootstrapRetry = TimeSpan.FromMinutes(1);

    private TimeSpan _bootstrapBackoff;
    private long _nextBootstrapTicks;

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
        try
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
                        catch (Exception ex) when (ex is not OutOfMemoryException)
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
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            lock (_gate)
            {
                BootstrapEnded(answered: false, ex.Message);
            }
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
            BootstrapEnded(t.Responded > 0, "no bootstrap node answered");
        }) { Parallelism = _options.Concurrency };
        Seed(traversal, includeRouters);
        traversal.Step();
    }

    /// <summary>
    /// Under the lock: the bootstrap attempt is over. The node is ready either way (as bittorrent-dht); if nobody answered
    /// and the table is empty, the failure is reported and the next attempt is scheduled after a backoff that doubles
    /// from <see cref="FirstBootstrapRetry"/> to <see cref="MaxBootstrapRetry"/> and resets once a bootstrap succeeds.
    /// </summary>
    private void BootstrapEnded(bool answered, string reason)
    {
        _bootstrapping = false;
        if (answered || _table.Count > 0)
        {
            _bootstrapBackoff = TimeSpan.Zero;
        }
        else if (!_destroyed)
        {
            _bootstrapBackoff = _bootstrapBackoff == TimeSpan.Zero
                ? FirstBootstrapRetry
                : TimeSpan.FromTicks(Math.Min(_bootstrapBackoff.Ticks * 2, MaxBootstrapRetry.Ticks));
            _nextBootstrapTicks = NowTicks + _bootstrapBackoff.Ticks;
            Warn(DhtWarningKind.BootstrapFailed, $"Bootstrap failed ({reason}); retrying in {_bootstrapBackoff.TotalSeconds:0} s.", null);
            Reschedule(_nextBootstrapTicks);
        }
        SetReady();
    }

    /// <summary>Under the lock, from the timer: starts a bootstrap when the table is empty and the backoff has passed.</summary>
    private void BootstrapIfDue(long now)
    {
        if (_table.Count == 0 && !_bootstrapping && BootstrapRouters.Count > 0 && now >= _nextBootstrapTicks)
        {
            _routersTried = false;
            StartBootstrap();
        }
    }

    private void SetReady()
    {
        if (_ready.TrySetResult())
        {
            Raise(Ready);
        }
    }
}
