using System.Net;
using BitTorrent.Dht.Krpc;
using BitTorrent.Dht.Lookup;
using BitTorrent.Dht.RoutingTable;

namespace BitTorrent.Dht;

/// <summary>The plumbing behind the public operations: running traversals and single queries, storing on the closest nodes.</summary>
public sealed partial class DhtNode
{
    private List<IPEndPoint> LocalPeers(InfoHash infoHash)
    {
        Span<NodeEndPoint> peers = stackalloc NodeEndPoint[100];
        int count = _peers.GetRandom(infoHash, AddressFamilyIsIPv6, NowTicks, _random, peers);
        var list = new List<IPEndPoint>(count);
        for (int i = 0; i < count; i++) list.Add(peers[i].ToIPEndPoint());
        return list;
    }

    private List<DhtNodeInfo> ClosestResponders(Traversal traversal) =>
        traversal.RespondedCandidates().Take(_options.K)
            .Select(c => new DhtNodeInfo(c.Id!.Value, c.Destination.ToIPEndPoint())).ToList();

    /// <summary>Seeds and starts a traversal, ties its task to cancellation and to Dispose.</summary>
    private void Run<T>(Traversal traversal, TaskCompletionSource<T> tcs, Action? onCancel, CancellationToken cancellationToken)
    {
        Action fail = () => tcs.TrySetException(new ObjectDisposedException(nameof(DhtNode)));
        _pendingOperations.Add(fail);
        _ = tcs.Task.ContinueWith(_ =>
        {
            lock (_gate) _pendingOperations.Remove(fail);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() =>
            {
                lock (_gate)
                {
                    onCancel?.Invoke();
                    tcs.TrySetCanceled(cancellationToken);
                    traversal.Finish();
                }
            });
            _ = tcs.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        Seed(traversal);
        traversal.Step();
    }

    private void RunSingle<T>(SingleQuery query, TaskCompletionSource<T> tcs, CancellationToken cancellationToken)
    {
        Action fail = () => tcs.TrySetException(new ObjectDisposedException(nameof(DhtNode)));
        _pendingOperations.Add(fail);
        _ = tcs.Task.ContinueWith(_ =>
        {
            lock (_gate) _pendingOperations.Remove(fail);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() => tcs.TrySetCanceled(cancellationToken));
            _ = tcs.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        SendQuery(query);
    }

    /// <summary>Sends a store query (announce_peer or put) to the K closest responders that returned a token.</summary>
    private void StoreToClosest(Traversal traversal, KrpcMethod method, Func<byte[], SingleQuery.ArgumentWriter> arguments,
        Action<int, int, long?> done)
    {
        if (_destroyed)
        {
            return;
        }
        var targets = traversal.RespondedCandidates().Where(c => c.Token is not null).Take(_options.K).ToList();
        if (targets.Count == 0)
        {
            done(0, 0, null);
            return;
        }
        int pending = targets.Count, accepted = 0;
        long? lastError = null;
        foreach (var target in targets)
        {
            SendQuery(new SingleQuery(method, target.Destination, target.Id, arguments(target.Token!),
                (in KrpcMessage _) =>
                {
                    accepted++;
                    if (--pending == 0) done(targets.Count, accepted, lastError);
                },
                code =>
                {
                    if (code > 0) lastError = code;
                    if (--pending == 0) done(targets.Count, accepted, lastError);
                }));
        }
    }

    private DhtSampleResult ParseSamples(in KrpcMessage response)
    {
        var samples = new List<InfoHash>();
        for (int offset = 0; offset + InfoHash.Length <= response.Samples.Length; offset += InfoHash.Length)
        {
            samples.Add(new InfoHash(response.Samples.Slice(offset, InfoHash.Length)));
        }
        var nodes = new List<DhtNodeInfo>();
        foreach (var (id, at) in new CompactNodeInfo(AddressFamilyIsIPv6 ? response.Nodes6 : response.Nodes, AddressFamilyIsIPv6))
        {
            nodes.Add(new DhtNodeInfo(id, at.ToIPEndPoint()));
        }
        return new DhtSampleResult(TimeSpan.FromSeconds(Math.Clamp(response.Interval ?? 0, 0, 21600)), response.Num ?? samples.Count, samples, nodes);
    }

    private void Seed(Traversal traversal, bool includeRouters = false)
    {
        var closest = new DhtContact?[_options.K];
        int count = _table.FindClosest(traversal.Target, closest);
        for (int i = 0; i < count; i++)
        {
            traversal.AddCandidate(closest[i]!.Id, closest[i]!.EndPoint);
        }
        if (count == 0 || includeRouters)
        {
            foreach (var router in _routers)
            {
                traversal.AddCandidate(null, router);
            }
        }
    }
}
