using System.Buffers;
using System.Net;
using BitTorrent.Bencode;
using BitTorrent.Dht.Krpc;
using BitTorrent.Dht.Lookup;
using BitTorrent.Dht.RoutingTable;
using BitTorrent.Dht.Security;

namespace BitTorrent.Dht;

public sealed partial class DhtNode
{
    /// <summary>Most compact nodes in one response.</summary>
    private const int MaxNodesPerResponse = 20;

    private void HandleQuery(in KrpcMessage query, NodeEndPoint from, IPEndPoint source)
    {
        if (_options.ReadOnly)
        {
            return; // BEP 43: read-only nodes do not answer.
        }
        _queriesReceived++;
        var querier = new NodeId(query.Id);
        if (!query.ReadOnly && querier != Id)
        {
            // A querying node is not trusted into the table: if it would fit, it is pinged, and enters on answering.
            PingIfItWouldFit(querier, from);
        }
        switch (query.Method)
        {
            case KrpcMethod.Ping:
                Respond(query, from, default);
                break;
            case KrpcMethod.FindNode:
                if (query.Target.Length != NodeId.Length)
                {
                    SendError(query, from, KrpcErrorCode.Protocol, "find_node requires a 20-byte target"u8);
                    return;
                }
                Raise(QueryReceived, new DhtQueryEventArgs(KrpcMethod.FindNode, new NodeId(query.Target), source));
                RespondWithNodes(query, from, new NodeId(query.Target), default);
                break;
            case KrpcMethod.GetPeers:
                HandleGetPeers(query, from, source);
                break;
            case KrpcMethod.AnnouncePeer:
                HandleAnnouncePeer(query, from, source);
                break;
            case KrpcMethod.Get:
                HandleGet(query, from, source);
                break;
            case KrpcMethod.Put:
                HandlePut(query, from, source);
                break;
            case KrpcMethod.SampleInfohashes:
                HandleSampleInfohashes(query, from, source);
                break;
            default:
                SendError(query, from, KrpcErrorCode.MethodUnknown, "Method Unknown"u8);
                break;
        }
    }

    /// <summary>
    /// Pings a node we have not verified when it is of our family, not in the table, would fit it, no query to it is in
    /// flight (its answer will do), half the concurrency stays free and the ping can go at once without our own queries'
    /// share of the budget; the answer, carrying <paramref name="id"/>, puts it in the table.
    /// </summary>
    private void PingIfItWouldFit(in NodeId id, NodeEndPoint at)
    {
        if (at.IsIPv6 != AddressFamilyIsIPv6 || _table.Find(id) is not null || !_table.HasRoomFor(id)
            || _inflight.Count >= _options.Concurrency / 2 || IsQueryInFlightTo(at))
        {
            return;
        }
        SendUnsolicitedQuery(new SingleQuery(KrpcMethod.Ping, at, id, null, static (in KrpcMessage _) => { }, static _ => { }));
    }

    private bool IsQueryInFlightTo(NodeEndPoint endPoint)
    {
        foreach (var query in _inflight.Values)
        {
            if (query.Destination == endPoint)
            {
                return true;
            }
        }
        return false;
    }

    private void HandleGetPeers(in KrpcMessage query, NodeEndPoint from, IPEndPoint source)
    {
        if (query.InfoHash.Length != NodeId.Length)
        {
            SendError(query, from, KrpcErrorCode.Protocol, "get_peers requires a 20-byte info_hash"u8);
            return;
        }
        var infoHash = new InfoHash(query.InfoHash);
        Raise(QueryReceived, new DhtQueryEventArgs(KrpcMethod.GetPeers, NodeId.FromInfoHash(infoHash), source));
        Span<byte> token = stackalloc byte[TokenManager.TokenLength];
        _tokens.Create(from, token);
        bool ipv6 = from.IsIPv6;
        Span<NodeEndPoint> peers = stackalloc NodeEndPoint[ipv6 ? 32 : 64];
        int count = _peers.GetRandom(infoHash, ipv6, NowTicks, _random, peers);
        if (count == 0)
        {
            scoped KrpcMessage response = default;
            response.Token = token;
            RespondWithNodes(query, from, NodeId.FromInfoHash(infoHash), response);
            return;
        }
        Span<byte> values = stackalloc byte[2 + count * KrpcValues.EncodedEntryLength(ipv6 ? 18 : 6)];
        int length = KrpcValues.Write(peers[..count], values);
        scoped KrpcMessage r = default;
        r.Token = token;
        r.Values = values[..length];
        Respond(query, from, r);
    }

    private void HandleAnnouncePeer(in KrpcMessage query, NodeEndPoint from, IPEndPoint source)
    {
        if (query.InfoHash.Length != NodeId.Length || query.Token.IsEmpty)
        {
            SendError(query, from, KrpcErrorCode.Protocol, "announce_peer requires info_hash and token"u8);
            return;
        }
        long port = query.ImpliedPort is 1 ? from.Port : query.Port ?? 0;
        if (port is < 1 or > 65535)
        {
            SendError(query, from, KrpcErrorCode.Protocol, "announce_peer has an invalid port"u8);
            return;
        }
        if (!_tokens.Validate(query.Token, from))
        {
            SendError(query, from, KrpcErrorCode.Protocol, "bad token"u8);
            return;
        }
        var infoHash = new InfoHash(query.InfoHash);
        var peer = from.WithPort((ushort)port);
        Raise(QueryReceived, new DhtQueryEventArgs(KrpcMethod.AnnouncePeer, NodeId.FromInfoHash(infoHash), source));
        // A full store or a sender over its quota is answered as usual (as libtorrent does) but stores nothing.
        if (_peers.Add(infoHash, peer, NowTicks))
        {
            Raise(Announced, new DhtAnnounceEventArgs(peer.ToIPEndPoint(), infoHash, source));
        }
        Respond(query, from, default);
    }

    private void HandleGet(in KrpcMessage query, NodeEndPoint from, IPEndPoint source)
    {
        if (query.Target.Length != NodeId.Length)
        {
            SendError(query, from, KrpcErrorCode.Protocol, "get requires a 20-byte target"u8);
            return;
        }
        var target = new NodeId(query.Target);
        Raise(QueryReceived, new DhtQueryEventArgs(KrpcMethod.Get, target, source));
        Span<byte> token = stackalloc byte[TokenManager.TokenLength];
        _tokens.Create(from, token);
        var item = _items.Get(target, NowTicks);
        scoped KrpcMessage r = default;
        r.Token = token;
        if (item is not null)
        {
            if (!item.IsMutable)
            {
                r.Value = item.Value.Span;
            }
            else
            {
                r.Sequence = item.Sequence;
                if (query.Sequence is not long have || item.Sequence > have)
                {
                    r.Value = item.Value.Span;
                    r.Key = item.PublicKey.Span;
                    r.Signature = item.Signature.Span;
                }
            }
        }
        RespondWithNodes(query, from, target, r);
    }

    private void HandlePut(in KrpcMessage query, NodeEndPoint from, IPEndPoint source)
    {
        if (query.Token.IsEmpty || query.Value.IsEmpty)
        {
            SendError(query, from, KrpcErrorCode.Protocol, "put requires token and v"u8);
            return;
        }
        if (!_tokens.Validate(query.Token, from))
        {
            SendError(query, from, KrpcErrorCode.Protocol, "bad token"u8);
            return;
        }
        if (query.Value.Length > DhtItemTargets.MaxValueLength)
        {
            SendError(query, from, KrpcErrorCode.MessageTooBig, "message (v field) too big"u8);
            return;
        }
        DhtItem item;
        if (query.Key.IsEmpty)
        {
            item = new DhtItem { Value = query.Value.ToArray() };
        }
        else
        {
            if (query.Key.Length != Ed25519Signatures.PublicKeyLength || query.Signature.Length != Ed25519Signatures.SignatureLength
                || query.Sequence is not long seq)
            {
                SendError(query, from, KrpcErrorCode.Protocol, "mutable put requires k, sig and seq"u8);
                return;
            }
            if (query.Salt.Length > DhtItemTargets.MaxSaltLength)
            {
                SendError(query, from, KrpcErrorCode.SaltTooBig, "salt (salt field) too big"u8);
                return;
            }
            item = new DhtItem
            {
                Value = query.Value.ToArray(),
                PublicKey = query.Key.ToArray(),
                Signature = query.Signature.ToArray(),
                Salt = query.Salt.ToArray(),
                Sequence = seq,
            };
            if (!item.VerifySignature(Verifier))
            {
                SendError(query, from, KrpcErrorCode.InvalidSignature, "invalid signature"u8);
                return;
            }
            var existing = _items.Get(item.Target, NowTicks);
            if (existing is not null)
            {
                if (query.Cas is long cas && cas != existing.Sequence)
                {
                    SendError(query, from, KrpcErrorCode.CasMismatch, "CAS mismatch, re-read value and try again"u8);
                    return;
                }
                if (seq < existing.Sequence)
                {
                    SendError(query, from, KrpcErrorCode.SequenceNumberTooLow, "sequence number less than current"u8);
                    return;
                }
            }
        }
        if (!IsSingleBencodedValue(item.Value.Span))
        {
            SendError(query, from, KrpcErrorCode.Protocol, "v is not a bencoded value"u8);
            return;
        }
        var target = item.Target;
        Raise(QueryReceived, new DhtQueryEventArgs(KrpcMethod.Put, target, source));
        if (_items.Put(target, item, NowTicks, from))
        {
            Raise(ItemStored, new DhtItemStoredEventArgs(target, item, source));
        }
        Respond(query, from, default);
    }

    private static bool IsSingleBencodedValue(ReadOnlySpan<byte> value)
    {
        try
        {
            var reader = new BencodeReader(value, KrpcCodec.ReaderOptions);
            reader.ReadRawValue();
            return reader.Position == value.Length;
        }
        catch (BencodeException)
        {
            return false;
        }
    }

    private void HandleSampleInfohashes(in KrpcMessage query, NodeEndPoint from, IPEndPoint source)
    {
        if (query.Target.Length != NodeId.Length)
        {
            SendError(query, from, KrpcErrorCode.Protocol, "sample_infohashes requires a 20-byte target"u8);
            return;
        }
        var target = new NodeId(query.Target);
        Raise(QueryReceived, new DhtQueryEventArgs(KrpcMethod.SampleInfohashes, target, source));
        const int MaxSamples = 20;
        Span<byte> samples = stackalloc byte[MaxSamples * InfoHash.Length];
        int total = _peers.TorrentCount, count = 0, seen = 0;
        foreach (var infoHash in _peers.InfoHashes)
        {
            seen++;
            int slot = count < MaxSamples ? count++ : _random.Next(seen);
            if (slot < MaxSamples)
            {
                infoHash.CopyTo(samples[(slot * InfoHash.Length)..]);
            }
        }
        scoped KrpcMessage r = default;
        r.Interval = (long)_options.SampleInfohashesInterval.TotalSeconds;
        r.Num = total;
        r.Samples = samples[..(count * InfoHash.Length)];
        RespondWithNodes(query, from, target, r);
    }

    private void RespondWithNodes(in KrpcMessage query, NodeEndPoint from, in NodeId target, scoped KrpcMessage response)
    {
        int entry = NodeId.Length + (AddressFamilyIsIPv6 ? 18 : 6);
        var want = query.Want == KrpcWant.None ? (from.IsIPv6 ? KrpcWant.N6 : KrpcWant.N4) : query.Want;
        bool include = AddressFamilyIsIPv6 ? (want & KrpcWant.N6) != 0 : (want & KrpcWant.N4) != 0;
        Span<byte> nodes = stackalloc byte[MaxNodesPerResponse * (NodeId.Length + 18)];
        int length = include ? WriteClosestNodes(target, from, nodes, entry) : 0;
        Span<byte> siblingNodes = stackalloc byte[MaxSiblingNodesPerAnswer * (NodeId.Length + 18)];
        int siblingLength = AnswersWithSiblingNodes(want, response) ? WriteSiblingClosestNodes(target, siblingNodes, NodeListBudget - length) : 0;
        if (AddressFamilyIsIPv6)
        {
            response.Nodes6 = nodes[..length];
            response.Nodes = siblingNodes[..siblingLength];
        }
        else
        {
            response.Nodes = nodes[..length];
            response.Nodes6 = siblingNodes[..siblingLength];
        }
        Respond(query, from, response);
    }

    /// <summary>Writes the K closest contacts, leaving out the requester itself.</summary>
    private int WriteClosestNodes(in NodeId target, NodeEndPoint requester, Span<byte> destination, int entry)
    {
        int k = Math.Min(_options.K, MaxNodesPerResponse);
        var closest = ArrayPool<DhtContact?>.Shared.Rent(k + 1);
        try
        {
            int count = _table.FindClosest(target, closest.AsSpan(0, k + 1));
            int offset = 0, written = 0;
            for (int i = 0; i < count && written < k; i++)
            {
                var contact = closest[i]!;
                if (contact.EndPoint == requester)
                {
                    continue;
                }
                written++;
                contact.Id.CopyTo(destination[offset..]);
                contact.EndPoint.WriteCompact(destination[(offset + NodeId.Length)..]);
                offset += entry;
            }
            return offset;
        }
        finally
        {
            Array.Clear(closest, 0, k + 1);
            ArrayPool<DhtContact?>.Shared.Return(closest);
        }
    }

    private void Respond(in KrpcMessage query, NodeEndPoint to, scoped KrpcMessage response)
    {
        if (!TakeBudget(ownQuery: false))
        {
            _budgetDropped++;
            return;
        }
        Span<byte> ip = stackalloc byte[18];
        response.Type = KrpcMessageType.Response;
        response.TransactionId = query.TransactionId;
        response.Id = _idBytes;
        response.Version = _version;
        response.RequesterIp = ip[..to.WriteCompact(ip)];
        Send(response, to);
    }

    private void SendError(in KrpcMessage query, NodeEndPoint to, int code, ReadOnlySpan<byte> text)
    {
        if (!TakeBudget(ownQuery: false))
        {
            _budgetDropped++;
            return;
        }
        Span<byte> ip = stackalloc byte[18];
        scoped KrpcMessage error = default;
        error.Type = KrpcMessageType.Error;
        error.TransactionId = query.TransactionId;
        error.ErrorCode = code;
        error.ErrorMessage = text;
        error.Version = _version;
        error.RequesterIp = ip[..to.WriteCompact(ip)];
        Send(error, to);
    }
}
