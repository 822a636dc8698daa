using System.Net;
using BitTorrent.Dht.Security;

namespace BitTorrent.Dht;

/// <summary>Persistence: exporting the node's state and restoring a saved (possibly damaged or hostile) one.</summary>
public sealed partial class DhtNode
{
    /// <summary>Saves the node id, the routing table (with ids), stored peers and stored items.</summary>
    public DhtState ExportState()
    {
        lock (_gate)
        {
            long now = NowTicks;
            return new DhtState
            {
                NodeId = Id.ToString(),
                Nodes = _table.Contacts().Select(c => new DhtStateNode
                {
                    Id = c.Id.ToString(), Host = c.EndPoint.ToIPAddress().ToString(), Port = c.EndPoint.Port,
                }).ToList(),
                Peers = _peers.All().Where(p => p.ExpiresTicks > now).Select(p => new DhtStatePeer
                {
                    InfoHash = p.InfoHash.ToString(), Host = p.Peer.ToIPAddress().ToString(), Port = p.Peer.Port,
                }).ToList(),
                Items = _items.All(now).Select(i => new DhtStateItem
                {
                    Value = Convert.ToHexStringLower(i.Item.Value.Span),
                    PublicKey = i.Item.IsMutable ? Convert.ToHexStringLower(i.Item.PublicKey.Span) : null,
                    Signature = i.Item.IsMutable ? Convert.ToHexStringLower(i.Item.Signature.Span) : null,
                    Salt = i.Item.Salt.IsEmpty ? null : Convert.ToHexStringLower(i.Item.Salt.Span),
                    Sequence = i.Item.Sequence,
                }).ToList(),
            };
        }
    }

    /// <summary>
    /// Under the lock, at <see cref="Listen"/>: restores <see cref="DhtNodeOptions.State"/>. Every entry is checked before
    /// use (null lists and entries, missing fields, bad hex, addresses, ports, over-long values); a damaged entry is
    /// skipped and counted, and one <see cref="DhtWarningKind.StateEntryIgnored"/> warning reports them. The stores'
    /// bounds hold for restored entries too. Nodes that restore nothing leave an empty table, so the node bootstraps
    /// from the routers as if it had no state.
    /// </summary>
    private void RestoreState()
    {
        if (_options.State is not DhtState state)
        {
            return;
        }
        long now = NowTicks;
        int ignored = 0;
        foreach (DhtStateNode? node in state.Nodes ?? [])
        {
            if (node is not null && NodeId.TryParse(node.Id, out var id) && TryParseEndPoint(node.Host, node.Port, out var at))
            {
                if (at.IsIPv6 == AddressFamilyIsIPv6)
                {
                    _table.TryAdd(id, at, now, responded: false, isVerified: true, out _);
                }
            }
            else
            {
                ignored++;
            }
        }
        foreach (DhtStatePeer? peer in state.Peers ?? [])
        {
            if (peer is not null && InfoHash.TryParse(peer.InfoHash, out var infoHash) && TryParseEndPoint(peer.Host, peer.Port, out var at))
            {
                _peers.Add(infoHash, at, now);
            }
            else
            {
                ignored++;
            }
        }
        foreach (DhtStateItem? saved in state.Items ?? [])
        {
            if (TryRestoreItem(saved) is DhtItem item)
            {
                _items.Put(item.Target, item, now);
            }
            else
            {
                ignored++;
            }
        }
        if (ignored > 0)
        {
            Warn(DhtWarningKind.StateEntryIgnored, $"{ignored} damaged entries of the saved state were ignored.", null);
        }
    }

    private static bool TryParseEndPoint(string? host, int port, out NodeEndPoint endPoint)
    {
        endPoint = default;
        if (port is < 1 or > 65535 || !IPAddress.TryParse(host, out var ip))
        {
            return false;
        }
        endPoint = NodeEndPoint.From(new IPEndPoint(ip, port));
        return true;
    }

    /// <summary>A saved item if every field is well formed and a mutable item's signature verifies; otherwise null.</summary>
    private DhtItem? TryRestoreItem(DhtStateItem? saved)
    {
        if (saved is null
            || !TryFromHex(saved.Value, 1, DhtItemTargets.MaxValueLength, out var value)
            || !TryFromHex(saved.PublicKey, 0, Ed25519Signatures.PublicKeyLength, out var key)
            || !TryFromHex(saved.Signature, 0, Ed25519Signatures.SignatureLength, out var signature)
            || !TryFromHex(saved.Salt, 0, DhtItemTargets.MaxSaltLength, out var salt)
            || !IsSingleBencodedValue(value))
        {
            return null;
        }
        var item = new DhtItem { Value = value, PublicKey = key, Signature = signature, Salt = salt, Sequence = saved.Sequence };
        if (item.IsMutable && (key.Length != Ed25519Signatures.PublicKeyLength || signature.Length != Ed25519Signatures.SignatureLength))
        {
            return null;
        }
        return item.VerifySignature(Verifier) ? item : null;
    }

    /// <summary>Decodes hex of <paramref name="min"/> to <paramref name="max"/> bytes (null reads as empty); false otherwise.</summary>
    private static bool TryFromHex(string? hex, int min, int max, out byte[] bytes)
    {
        bytes = [];
        hex ??= "";
        if (hex.Length % 2 != 0 || hex.Length / 2 < min || hex.Length / 2 > max)
        {
            return false;
        }
        bytes = new byte[hex.Length / 2];
        return Convert.FromHexString(hex, bytes, out _, out int written) == System.Buffers.OperationStatus.Done && written == bytes.Length;
    }
}
