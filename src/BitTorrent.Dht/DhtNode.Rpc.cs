using System.Buffers.Binary;
using System.Net;
using BitTorrent.Dht.Krpc;
using BitTorrent.Dht.Lookup;
using BitTorrent.Dht.RoutingTable;
using BitTorrent.Dht.Security;
using Microsoft.Extensions.Logging;

namespace BitTorrent.Dht;

public sealed partial class DhtNode
{
    private static readonly TimeSpan WaitingRetry = TimeSpan.FromMilliseconds(100);
    private const int MaxResponseSize = 64 * 1024;

    /// <summary>The share of the outbound budget only our own queries may spend.</summary>
    private const double OwnQueryShare = 0.25;
    private static readonly long MonotonicOriginTicks = TimeSpan.TicksPerDay;

    private readonly Dictionary<ushort, PendingQuery> _inflight = [];
    private readonly Queue<PendingQuery> _deadlines = new();
    private readonly Queue<PendingQuery> _slowChecks = new();
    private readonly Queue<PendingQuery> _waiting = new();
    private readonly long[] _malformed = new long[Enum.GetValues<KrpcDecodeError>().Length];
    private ushort _nextTransactionId;
    private double _budget;
    private long _budgetRefilledTicks;
    private long _datagramsReceived, _datagramsSent, _queriesReceived, _queriesSent, _responsesReceived, _errorsReceived;
    private long _timeouts, _unsolicited, _rateLimited, _blocked, _budgetDropped, _queriesRejected;

    /// <summary>
    /// The node's clock: monotonic ticks (100 ns) from <see cref="TimeProvider.GetTimestamp"/>, starting one day after the
    /// node was created so that 0 ("never") always reads as long ago. Wall-clock steps (NTP, a user changing the time)
    /// do not move it: every timeout, expiry and rate window is measured on it.
    /// </summary>
    private long NowTicks => MonotonicOriginTicks + _time.GetElapsedTime(_createdTimestamp).Ticks;

    /// <summary>Sends a query now, or queues it while the concurrency limit or the outbound budget is reached.</summary>
    internal void SendQuery(PendingQuery query)
    {
        if (_destroyed || _transport is null)
        {
            query.IsDone = true;
            query.OnFailure(PendingQuery.Cancelled);
            return;
        }
        if (_inflight.Count >= _options.Concurrency || _waiting.Count > 0 || !TakeBudget(ownQuery: true))
        {
            if (_waiting.Count >= _options.MaxWaitingQueries)
            {
                _queriesRejected++;
                query.IsDone = true;
                query.OnFailure(PendingQuery.Cancelled);
                return;
            }
            _waiting.Enqueue(query);
            Reschedule(NowTicks + WaitingRetry.Ticks);
            return;
        }
        Transmit(query);
    }

    private void Transmit(PendingQuery query)
    {
        ushort tid;
        do
        {
            tid = _nextTransactionId++;
        }
        while (_inflight.ContainsKey(tid));
        query.TransactionId = tid;
        query.DeadlineTicks = NowTicks + _options.QueryTimeout.Ticks;
        _inflight[tid] = query;
        _deadlines.Enqueue(query);
        if (query.ReportsSlow && _options.SlowQueryTimeout < _options.QueryTimeout)
        {
            query.SlowTicks = NowTicks + _options.SlowQueryTimeout.Ticks;
            _slowChecks.Enqueue(query);
        }

        Span<byte> t = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(t, tid);
        scoped KrpcMessage message = default;
        message.Type = KrpcMessageType.Query;
        message.Method = query.Method;
        message.TransactionId = t;
        message.Id = _idBytes;
        message.ReadOnly = _options.ReadOnly;
        message.Version = _version;
        query.WriteArguments(ref message);
        WriteWant(ref message);
        _queriesSent++;
        Send(message, query.Destination);
        Reschedule(query.DeadlineTicks);
    }

    private void Send(in KrpcMessage message, NodeEndPoint destination)
    {
        var writer = SpanBufferWriter.Rent();
        try
        {
            KrpcCodec.Encode(message, writer);
            _datagramsSent++;
            _transport!.Send(writer.WrittenSpan, destination.ToIPEndPoint());
        }
        finally
        {
            writer.Reset();
        }
    }

    /// <summary>
    /// Sends a query nobody asked us for (a ping of a node that queried us or that the sibling heard of) only if it can go
    /// at once, with half the concurrency free and without our own queries' share of the budget; otherwise drops it. It
    /// never waits, so it never delays our own queries.
    /// </summary>
    private void SendUnsolicitedQuery(PendingQuery query)
    {
        if (_destroyed || _transport is null || _waiting.Count > 0 || _inflight.Count >= _options.Concurrency / 2
            || !TakeBudget(ownQuery: false))
        {
            query.IsDone = true;
            return;
        }
        Transmit(query);
    }

    /// <summary>
    /// Takes one packet from the outbound budget. Our own queries may spend all of it; responses, errors and unsolicited
    /// pings leave <see cref="OwnQueryShare"/> of it, so a flood of queries never starves our lookups.
    /// </summary>
    private bool TakeBudget(bool ownQuery)
    {
        int rate = _options.MaxOutboundPacketsPerSecond;
        if (rate <= 0)
        {
            return true;
        }
        long now = NowTicks;
        _budget = Math.Min(rate, _budget + (now - _budgetRefilledTicks) * (double)rate / TimeSpan.TicksPerSecond);
        _budgetRefilledTicks = now;
        if (_budget < (ownQuery ? 1 : 1 + rate * OwnQueryShare))
        {
            return false;
        }
        _budget--;
        return true;
    }

    private void PumpWaiting()
    {
        while (_waiting.Count > 0 && _inflight.Count < _options.Concurrency && !_destroyed)
        {
            var next = _waiting.Peek();
            if (next.IsDone)
            {
                _waiting.Dequeue();
                continue;
            }
            if (!TakeBudget(ownQuery: true))
            {
                Reschedule(NowTicks + WaitingRetry.Ticks);
                return;
            }
            _waiting.Dequeue();
            Transmit(next);
        }
    }

    private void OnDatagram(ReadOnlySpan<byte> datagram, IPEndPoint source)
    {
        List<(NodeId Id, NodeEndPoint EndPoint)>? foreignNodes;
        lock (_gate)
        {
            if (_destroyed)
            {
                return;
            }
            try
            {
                HandleDatagram(datagram, source);
                PublishContactsForSibling();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Warn(DhtWarningKind.InternalError, ex.Message, source);
            }
            foreignNodes = _foreignNodes;
            _foreignNodes = null;
        }
        // Never call into the sibling while holding our own lock: it may be handing nodes to us at the same time.
        OfferForeignNodes(foreignNodes);
    }

    private void HandleDatagram(ReadOnlySpan<byte> datagram, IPEndPoint source)
    {
        _datagramsReceived++;
        var from = NodeEndPoint.From(source);
        if (from.Port == 0)
        {
            return;
        }
        if (!_rateLimiter.Allow(from, NowTicks, out bool newlyBlocked))
        {
            _rateLimited++;
            if (newlyBlocked)
            {
                _blocked++;
                Warn(DhtWarningKind.AddressBlocked, "Inbound rate exceeded; address blocked.", source);
            }
            return;
        }
        // Responses may be large (bittorrent-dht answers find_node with its whole table); queries may not.
        if (!KrpcCodec.TryDecode(datagram, out var message, out var error, MaxResponseSize)
            || (message.Type == KrpcMessageType.Query && datagram.Length > _options.MaxDatagramSize))
        {
            if (error == KrpcDecodeError.None)
            {
                error = KrpcDecodeError.TooLarge;
            }
            _malformed[(int)error]++;
            Warn(DhtWarningKind.MalformedDatagram, $"Malformed datagram: {error}.", source);
            return;
        }
        if (message.Type == KrpcMessageType.Query)
        {
            try
            {
                HandleQuery(message, from, source);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException && !_destroyed)
            {
                // The querier learns the query failed on our side (202); OnDatagram reports the cause as a warning.
                SendError(message, from, KrpcErrorCode.Server, "Server Error"u8);
                throw;
            }
            return;
        }
        int tid = message.TransactionId.Length == 2 ? BinaryPrimitives.ReadUInt16BigEndian(message.TransactionId) : -1;
        if (tid < 0 || !_inflight.TryGetValue((ushort)tid, out var query) || query.Destination != from)
        {
            _unsolicited++;
            Warn(DhtWarningKind.UnexpectedResponse, "Response matches no query in flight.", source);
            return;
        }
        _inflight.Remove((ushort)tid);
        query.IsDone = true;
        if (message.Type == KrpcMessageType.Error)
        {
            _errorsReceived++;
            query.OnFailure(message.ErrorCode > 0 ? message.ErrorCode : KrpcErrorCode.Generic);
            PumpWaiting();
            return;
        }
        var id = new NodeId(message.Id);
        if (query.ExpectedId is NodeId expected && expected != id)
        {
            Warn(DhtWarningKind.UnexpectedNodeId, "Responder id differs from the expected id.", source);
            _table.RecordFailure(expected);
            query.OnFailure(PendingQuery.Timeout);
            PumpWaiting();
            return;
        }
        _responsesReceived++;
        LearnExternalAddress(message.RequesterIp);
        if (!message.ReadOnly)
        {
            AddToTable(id, from, responded: true);
        }
        CollectForeignNodes(message);
        query.OnResponse(message);
        PumpWaiting();
    }

    private void AddToTable(in NodeId id, NodeEndPoint endPoint, bool responded)
    {
        if (endPoint.IsIPv6 != AddressFamilyIsIPv6)
        {
            return;
        }
        bool verified = true;
        if (_table.Find(id) is null)
        {
            var address = endPoint.ToIPAddress();
            verified = NodeIdSecurity.IsExempt(address) || NodeIdSecurity.IsValid(id, address);
            if (_options.EnforceNodeIdVerification && !verified)
            {
                return;
            }
        }
        var result = _table.TryAdd(id, endPoint, NowTicks, responded, verified, out var pingCandidate);
        if (result == RoutingTableInsertResult.Replacement && pingCandidate is not null)
        {
            PingContact(pingCandidate);
        }
    }

    private void PingContact(DhtContact contact)
    {
        long now = NowTicks;
        if (now - contact.LastPingTicks < 2 * _options.QueryTimeout.Ticks || _inflight.Count >= _options.Concurrency)
        {
            return;
        }
        contact.LastPingTicks = now;
        var id = contact.Id;
        SendQuery(new SingleQuery(KrpcMethod.Ping, contact.EndPoint, id, null, static (in KrpcMessage _) => { }, _ => { }));
    }

    private void LearnExternalAddress(ReadOnlySpan<byte> compact)
    {
        if (!NodeEndPoint.TryReadCompact(compact, out var me))
        {
            return;
        }
        if (_externalVotes.Count >= 16 && !_externalVotes.ContainsKey(me.AddressKey))
        {
            _externalVotes.Clear();
        }
        _externalVotes[me.AddressKey] = _externalVotes.GetValueOrDefault(me.AddressKey) + 1;
        var best = _externalVotes.MaxBy(kv => kv.Value);
        if (best.Key == me.AddressKey)
        {
            _externalAddress = me;
        }
    }

    private void Warn(DhtWarningKind kind, string message, IPEndPoint? source)
    {
        _logger.LogDebug("DHT warning {Kind}: {Message} ({Source})", kind, message, source);
        Raise(Warning, new DhtWarningEventArgs(kind, message, source));
    }
}
