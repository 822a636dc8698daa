using BitTorrent.Dht.Lookup;
using BitTorrent.Dht.RoutingTable;
using Microsoft.Extensions.Logging;

namespace BitTorrent.Dht;

/// <summary>The node's one timer: query deadlines, slow-query checks, waiting queries, maintenance and bootstrap retries.</summary>
public sealed partial class DhtNode
{
    private static readonly TimeSpan MaintenanceInterval = TimeSpan.FromMinutes(1);

    private ITimer? _timer;
    private long _timerDueTicks = long.MaxValue;
    private long _nextMaintenanceTicks;

    private void OnTimer(object? state)
    {
        lock (_gate)
        {
            if (_destroyed)
            {
                return;
            }
            try
            {
                long now = NowTicks;
                while (_deadlines.Count > 0 && _deadlines.Peek().DeadlineTicks <= now)
                {
                    var query = _deadlines.Dequeue();
                    if (query.IsDone)
                    {
                        continue;
                    }
                    _inflight.Remove(query.TransactionId);
                    query.IsDone = true;
                    _timeouts++;
                    if (query.ExpectedId is NodeId id)
                    {
                        _table.RecordFailure(id);
                    }
                    query.OnFailure(PendingQuery.Timeout);
                }
                while (_slowChecks.Count > 0 && _slowChecks.Peek().SlowTicks <= now)
                {
                    var query = _slowChecks.Dequeue();
                    if (!query.IsDone)
                    {
                        query.OnSlow();
                    }
                }
                PumpWaiting();
                if (now >= _nextMaintenanceTicks)
                {
                    _nextMaintenanceTicks = now + MaintenanceInterval.Ticks;
                    Maintain(now);
                }
                BootstrapIfDue(now);
                PublishContactsForSibling();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _logger.LogWarning(ex, "DHT timer failed");
            }
            _timerDueTicks = long.MaxValue;
            long due = _nextMaintenanceTicks;
            if (_waiting.Count > 0)
            {
                due = Math.Min(due, NowTicks + WaitingRetry.Ticks);
            }
            if (_table.Count == 0 && !_bootstrapping && BootstrapRouters.Count > 0)
            {
                due = Math.Min(due, Math.Max(_nextBootstrapTicks, NowTicks + WaitingRetry.Ticks));
            }
            Reschedule(due);
        }
    }

    /// <summary>Arms the single timer for <paramref name="dueTicks"/> unless it already fires earlier.</summary>
    private void Reschedule(long dueTicks)
    {
        if (_timer is null || _destroyed)
        {
            return;
        }
        if (_deadlines.Count > 0)
        {
            dueTicks = Math.Min(dueTicks, _deadlines.Peek().DeadlineTicks);
        }
        if (_slowChecks.Count > 0)
        {
            dueTicks = Math.Min(dueTicks, _slowChecks.Peek().SlowTicks);
        }
        if (dueTicks >= _timerDueTicks)
        {
            return;
        }
        _timerDueTicks = dueTicks;
        long delay = Math.Max(0, dueTicks - NowTicks);
        _timer.Change(TimeSpan.FromTicks(delay), Timeout.InfiniteTimeSpan);
    }

    private void Maintain(long now)
    {
        _tokens.RotateIfDue(now);
        _rateLimiter.Prune(now);
        _deadlines.TrimExcess();
        _slowChecks.TrimExcess();
        _waiting.TrimExcess();
        _inflight.TrimExcess();
        _externalVotes.TrimExcess();
        _peers.Purge(now);
        _items.Purge(now);
        long stale = _options.BucketRefreshInterval.Ticks;
        var buckets = _table.Buckets;
        for (int i = 0; i < buckets.Count; i++)
        {
            var bucket = buckets[i];
            var questionable = DhtRoutingTable.MostQuestionable(bucket, now);
            if (questionable is not null && now - questionable.LastResponseTicks >= stale)
            {
                PingContact(questionable);
            }
            if (now - bucket.LastChangedTicks >= stale && bucket.Nodes.Count > 0)
            {
                bucket.LastChangedTicks = now;
                var traversal = new FindNodeTraversal(this, _table.RandomIdInBucket(i, _random), static _ => { })
                {
                    Parallelism = _options.Concurrency,
                };
                Seed(traversal);
                traversal.Step();
            }
        }
    }
}
