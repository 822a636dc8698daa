using System.Buffers;
using System.Net;
using System.Net.Sockets;
using static BitTorrent.Trackers.UdpTrackerMessages;

namespace BitTorrent.Trackers;

/// <summary>A UDP tracker (BEP 15, BEP 41). Each exchange uses its own connected socket; the connection id is kept
/// for one minute; attempt n waits <see cref="TrackerOptions.UdpBaseTimeout"/> × 2^n, up to
/// <see cref="TrackerOptions.UdpMaxRetransmissions"/>. An answer with a transaction id this exchange never sent, or
/// with an unexpected action, fails the exchange with a typed error.</summary>
internal sealed class UdpTracker(Uri uri, TrackerOptions options) : ITracker
{
    private static readonly TimeSpan ConnectionIdLifetime = TimeSpan.FromMinutes(1);
    private readonly Lock _gate = new();
    private long _connectionId;
    private long _connectedAt;
    private bool _connected;

    public Uri Uri { get; } = uri;

    public bool CanScrape => true;

    public Task<AnnounceResponse> AnnounceAsync(AnnounceRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string urlData = Uri.PathAndQuery is "/" or "" ? "" : Uri.PathAndQuery;
        return ExchangeAsync(ActionAnnounce,
            (connectionId, transactionId) => Announce(connectionId, transactionId, request, urlData),
            (datagram, family) => AnnounceResponse(datagram,
                family == AddressFamily.InterNetworkV6 ? CompactPeers.IPv6EntryLength : CompactPeers.IPv4EntryLength, options, Uri),
            cancellationToken);
    }

    public async Task<ScrapeResponse> ScrapeAsync(IReadOnlyList<InfoHash> infoHashes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(infoHashes);
        var files = new Dictionary<InfoHash, ScrapeEntry>();
        var all = infoHashes.ToArray();
        for (int start = 0; start < all.Length; start += MaxScrapeHashes)
        {
            var chunk = all.AsMemory(start, Math.Min(MaxScrapeHashes, all.Length - start));
            await ExchangeAsync(ActionScrape,
                (connectionId, transactionId) => Scrape(connectionId, transactionId, chunk.Span),
                (datagram, _) => { ScrapeResponse(datagram, chunk.Span, files, Uri); return true; },
                cancellationToken).ConfigureAwait(false);
        }
        return new ScrapeResponse(files);
    }

    private delegate T Parse<T>(ReadOnlySpan<byte> datagram, AddressFamily family);

    private async Task<T> ExchangeAsync<T>(int action, Func<long, int, byte[]> build, Parse<T> parse, CancellationToken cancellationToken)
    {
        var endPoint = await ResolveAsync(cancellationToken).ConfigureAwait(false);
        using var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        var buffer = ArrayPool<byte>.Shared.Rent(65536);
        var sent = new List<int>();
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            for (int attempt = 0; attempt <= options.UdpMaxRetransmissions; attempt++)
            {
                var wait = options.UdpBaseTimeout * (1L << Math.Min(attempt, 30));
                using var timeout = new CancellationTokenSource(wait, options.TimeProvider);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                try
                {
                    if (!TryGetConnectionId(out long connectionId))
                    {
                        int connectTid = NewTransactionId(sent);
                        var reply = await SendReceiveAsync(socket, Connect(connectTid), connectTid, ActionConnect, sent, buffer, linked.Token).ConfigureAwait(false);
                        connectionId = UdpTrackerMessages.ConnectionId(buffer.AsSpan(0, reply), Uri);
                        SetConnectionId(connectionId);
                    }
                    int tid = NewTransactionId(sent);
                    int length = await SendReceiveAsync(socket, build(connectionId, tid), tid, action, sent, buffer, linked.Token).ConfigureAwait(false);
                    return parse(buffer.AsSpan(0, length), endPoint.AddressFamily);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    // Retransmit after a longer wait (BEP 15).
                }
            }
            throw new TrackerException(Uri, TrackerError.Timeout, $"no answer after {options.UdpMaxRetransmissions + 1} attempts");
        }
        catch (SocketException e)
        {
            throw new TrackerException(Uri, TrackerError.NetworkError, e.Message, e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<int> SendReceiveAsync(Socket socket, byte[] request, int transactionId, int action, List<int> sent,
        byte[] buffer, CancellationToken cancellationToken)
    {
        await socket.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            int length = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            var datagram = buffer.AsSpan(0, length);
            if (length < HeaderLength)
                throw new TrackerException(Uri, TrackerError.InvalidResponse, $"a datagram of {length} bytes");
            int tid = TransactionId(datagram);
            if (tid != transactionId)
            {
                // A late answer to an earlier attempt of this exchange is harmless; anything else is not ours.
                if (sent.Contains(tid)) continue;
                throw new TrackerException(Uri, TrackerError.TransactionIdMismatch, $"transaction id {tid:x8}, sent {transactionId:x8}");
            }
            int got = Action(datagram);
            if (got == ActionError) throw new TrackerException(Uri, TrackerError.Failure, ErrorMessage(datagram));
            if (got != action) throw new TrackerException(Uri, TrackerError.UnexpectedAction, $"action {got}, expected {action}");
            return length;
        }
    }

    private async Task<IPEndPoint> ResolveAsync(CancellationToken cancellationToken)
    {
        if (Uri.Port is < 1 or > 65535) throw new TrackerException(Uri, TrackerError.NetworkError, "the URL has no port");
        if (IPAddress.TryParse(Uri.DnsSafeHost, out var address)) return new IPEndPoint(address, Uri.Port);
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(Uri.DnsSafeHost, cancellationToken).ConfigureAwait(false);
            if (addresses.Length == 0) throw new TrackerException(Uri, TrackerError.NetworkError, "the host has no address");
            return new IPEndPoint(addresses[0], Uri.Port);
        }
        catch (SocketException e)
        {
            throw new TrackerException(Uri, TrackerError.NetworkError, e.Message, e);
        }
    }

    private static int NewTransactionId(List<int> sent)
    {
        int tid = Random.Shared.Next(int.MinValue, int.MaxValue);
        sent.Add(tid);
        return tid;
    }

    private bool TryGetConnectionId(out long connectionId)
    {
        lock (_gate)
        {
            connectionId = _connectionId;
            return _connected && options.TimeProvider.GetElapsedTime(_connectedAt) < ConnectionIdLifetime;
        }
    }

    private void SetConnectionId(long connectionId)
    {
        lock (_gate)
        {
            _connectionId = connectionId;
            _connectedAt = options.TimeProvider.GetTimestamp();
            _connected = true;
        }
    }
}
