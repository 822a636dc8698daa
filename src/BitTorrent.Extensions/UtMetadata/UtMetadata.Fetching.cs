namespace BitTorrent.Extensions;

/// <summary>The fetching side: requests, data and rejects from the peer, the timeout.</summary>
public sealed partial class UtMetadata
{
    private void OnData(int piece, long totalSize, ReadOnlySpan<byte> data)
    {
        string? warning = null;
        List<int> requests = [];
        MetadataEventArgs? completed = null;
        MetadataFetch? fetch;
        lock (_gate)
        {
            fetch = _fetch;
            if (!_fetching || !_joined || fetch is null || _peerMetadataSize is not { } size) return;
            if (KnownMetadataLocked() is not null)
            {
                StopLocked(); // another wire of the shared fetch completed it
                return;
            }
            if (totalSize >= 0 && totalSize != size)
                warning = $"Ignored ut_metadata data with total_size {totalSize}; the peer advertised {size}";
            else if (!_outstanding.Remove(piece))
                warning = $"Ignored unrequested ut_metadata piece {piece}";
            else
            {
                fetch.Release([piece]);
                switch (fetch.Add(size, piece, data, out var info))
                {
                    case MetadataFetchResult.Stored or MetadataFetchResult.Duplicate:
                        ArmTimeout();
                        requests = FillWindowLocked();
                        break;
                    case MetadataFetchResult.Invalid when _remainingRejects-- > 0:
                        warning = $"Peer sent ut_metadata piece {piece} with {data.Length} bytes (the wrong length); requesting it again";
                        requests = FillWindowLocked();
                        break;
                    case MetadataFetchResult.Completed:
                        _metadata = info;
                        completed = new MetadataEventArgs(fetch.InfoHash, info);
                        StopLocked();
                        break;
                    case MetadataFetchResult.AlreadyComplete:
                        StopLocked();
                        break;
                    case MetadataFetchResult.HashMismatch when _retriesLeft-- > 0:
                    case MetadataFetchResult.OtherSize:
                        _joined = false; // the assembly was dropped (here or by another wire): join the next one
                        requests = BeginLocked(size, out warning);
                        break;
                    default:
                        warning = "Peer sent invalid metadata";
                        StopLocked();
                        break;
                }
            }
        }
        if (warning is not null) Warn(warning);
        if (completed is not null)
        {
            _wire.SetExtendedHandshakeValue("metadata_size", completed.Info.Length);
            MetadataReceived?.Invoke(this, completed);
            fetch.RaiseMetadataReceived(completed);
        }
        SendRequests(requests);
    }

    private void OnReject(int piece)
    {
        string? warning = null;
        List<int> requests = [];
        lock (_gate)
        {
            if (!_fetching || !_outstanding.Remove(piece)) return;
            _fetch?.Release([piece]);
            ArmTimeout();
            if (_remainingRejects-- > 0) requests = FillWindowLocked();
            else
            {
                warning = "Peer sent \"reject\" too much";
                StopLocked();
            }
        }
        if (warning is not null) Warn(warning);
        SendRequests(requests);
    }

    /// <summary>Joins the fetch (shared, or this wire's own) with the peer's size and asks for the first pieces.</summary>
    private List<int> BeginLocked(int size, out string? warning)
    {
        warning = null;
        if ((_infoHash ?? _wire.InfoHash) is not { } infoHash)
            throw new InvalidOperationException("the info hash is not known: call wire.Handshake before fetching metadata");
        var fetch = _fetch = _sharedFetch ?? _fetch ?? new MetadataFetch(infoHash);
        if (!fetch.TryJoin(size))
        {
            if (KnownMetadataLocked() is null)
                warning = $"Peer's metadata_size {size} differs from the {fetch.Size} bytes being fetched from other peers";
            StopLocked();
            return [];
        }
        _joined = true;
        _remainingRejects = MetadataAssembler.GetPieceCount(size) * 2;
        return FillWindowLocked();
    }

    private List<int> FillWindowLocked()
    {
        var requests = new List<int>();
        while (_outstanding.Count < _options.MaxOutstandingRequests && _fetch!.Claim(_outstanding) is var piece and >= 0)
        {
            _outstanding.Add(piece);
            requests.Add(piece);
        }
        return requests;
    }

    private void StopLocked()
    {
        _fetching = false;
        _joined = false;
        _fetch?.Release(_outstanding);
        _outstanding.Clear();
        if (_sharedFetch is null) _fetch = null; // this wire's own pieces go with it
        _timeout?.Dispose();
        _timeout = null;
    }

    private void ArmTimeout()
    {
        _timeout?.Dispose();
        ITimer? timer = null;
        timer = _wire.TimeProvider.CreateTimer(_ => OnTimeout(timer!), null, _options.Timeout, Timeout.InfiniteTimeSpan);
        _timeout = timer;
    }

    private void OnTimeout(ITimer timer)
    {
        bool completedElsewhere;
        lock (_gate)
        {
            if (!ReferenceEquals(timer, _timeout) || !_fetching) return;
            completedElsewhere = KnownMetadataLocked() is not null;
            StopLocked();
        }
        if (!completedElsewhere) Warn($"Peer sent no metadata for {_options.Timeout.TotalSeconds:0.#} s; fetch stopped");
    }

    private void SendRequests(List<int> pieces)
    {
        if (pieces.Count == 0) return;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(32);
        foreach (int piece in pieces)
        {
            buffer.ResetWrittenCount();
            MetadataMessage.Request(piece).WriteTo(buffer);
            if (!Send(buffer.WrittenSpan)) return;
        }
    }
}
