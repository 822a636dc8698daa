using System.IO.Pipelines;
using BitTorrent.Encryption;
using BitTorrent.Metainfo;
using BitTorrent.Extensions;
using BitTorrent.Trackers;
using BitTorrent.Wire;

namespace BitTorrent.Fuzz;

/// <summary>Fuzz targets for metainfo files, tracker responses and the MSE handshake.</summary>
public static class OtherTargets
{
    private static readonly Uri HttpTracker = new("http://tracker.example/announce");
    private static readonly Uri UdpTracker = new("udp://tracker.example:6969");
    private static readonly TrackerOptions TrackerLimits = new() { MaxPeers = 200 };

    /// <summary>
    /// <see cref="Torrent.Parse"/>. Oracle: only <see cref="MetainfoException"/>; an accepted torrent's info hash is the
    /// SHA-1 of its raw info dictionary, which is a slice of the input; the piece count covers the total length; and the
    /// raw dictionary alone, wrapped as a torrent, parses to the same info.
    /// </summary>
    public static void Metainfo(byte[] input)
    {
        var budget = AllocationBudget.ForThread(input.Length, 256 * 1024, 192);
        Torrent torrent;
        try
        {
            torrent = Torrent.Parse(input);
        }
        catch (MetainfoException)
        {
            budget.Check("metainfo");
            return;
        }
        var info = torrent.Info;
        Oracle.Check(info.InfoHash.Span.SequenceEqual(System.Security.Cryptography.SHA1.HashData(info.RawInfo.Span)), "the info hash is not the SHA-1 of the raw info");
        Oracle.Check(input.AsSpan().IndexOf(info.RawInfo.Span) >= 0, "the raw info is not a slice of the input");
        Oracle.Check(info.PieceLength > 0 && (long)info.PieceCount * info.PieceLength >= info.TotalLength
            && (info.PieceCount == 0 || (long)(info.PieceCount - 1) * info.PieceLength < info.TotalLength), "the piece count does not cover the total length");
        Oracle.Check(info.Files.Sum(f => f.Length) == info.TotalLength, "the files do not add up to the total length");
        var alone = Torrent.Parse(Extensions.UtMetadata.WrapAsTorrent(info.RawInfo.Span));
        Oracle.Check(alone.Info.InfoHash == info.InfoHash && alone.Info.Name == info.Name && alone.Info.TotalLength == info.TotalLength,
            "the info dictionary alone parses differently");
        budget.Check("metainfo");
    }

    /// <summary>
    /// <see cref="HttpTrackerResponse.ParseAnnounce"/> and <see cref="HttpTrackerResponse.ParseScrape"/> of the same body.
    /// Oracle: only <see cref="TrackerException"/>; no more peers than the limit; no negative counts.
    /// </summary>
    public static void TrackerHttp(byte[] input)
    {
        var budget = AllocationBudget.ForThread(input.Length, 64 * 1024, 192);
        try
        {
            var announce = HttpTrackerResponse.ParseAnnounce(input, TrackerLimits, HttpTracker);
            Oracle.Check(announce.Peers.Count <= TrackerLimits.MaxPeers, $"{announce.Peers.Count} peers over the limit");
            Oracle.Check(announce.Interval > TimeSpan.Zero && announce.Complete is null or >= 0 && announce.Incomplete is null or >= 0, "a negative interval or count");
        }
        catch (TrackerException)
        {
        }
        try
        {
            var scrape = HttpTrackerResponse.ParseScrape(input, HttpTracker);
            Oracle.Check(scrape.Files.Values.All(e => e.Complete >= 0 && e.Downloaded >= 0 && e.Incomplete >= 0), "a negative scrape count");
        }
        catch (TrackerException)
        {
        }
        budget.Check("tracker_http");
    }

    /// <summary>
    /// A UDP tracker reply read as <see cref="UdpTracker"/> reads it: the header, then by action a connect, an announce
    /// (IPv4 and IPv6 peers), a scrape of two hashes or an error. Oracle: only <see cref="TrackerException"/>; no more
    /// peers than the limit or than the datagram holds.
    /// </summary>
    public static void TrackerUdp(byte[] input)
    {
        var budget = AllocationBudget.ForThread(input.Length, 64 * 1024, 192);
        try
        {
            if (input.Length < UdpTrackerMessages.HeaderLength) return;
            _ = UdpTrackerMessages.TransactionId(input);
            switch (UdpTrackerMessages.Action(input))
            {
                case UdpTrackerMessages.ActionConnect:
                    _ = UdpTrackerMessages.ConnectionId(input, UdpTracker);
                    break;
                case UdpTrackerMessages.ActionAnnounce:
                    foreach (int entry in (int[])[6, 18])
                    {
                        var announce = UdpTrackerMessages.AnnounceResponse(input, entry, TrackerLimits, UdpTracker);
                        Oracle.Check(announce.Peers.Count <= Math.Min(TrackerLimits.MaxPeers, input.Length / entry), $"{announce.Peers.Count} peers from {input.Length} bytes");
                    }
                    break;
                case UdpTrackerMessages.ActionScrape:
                    var files = new Dictionary<InfoHash, ScrapeEntry>();
                    UdpTrackerMessages.ScrapeResponse(input, [new InfoHash(new byte[20]), WireTargets.TorrentHash], files, UdpTracker);
                    Oracle.Check(files.Count == 2 && files.Values.All(e => e.Complete >= 0 && e.Downloaded >= 0 && e.Incomplete >= 0), "a scrape entry is missing or negative");
                    break;
                case UdpTrackerMessages.ActionError:
                    _ = UdpTrackerMessages.ErrorMessage(input);
                    break;
            }
        }
        catch (TrackerException)
        {
        }
        budget.Check("tracker_udp");
    }

    /// <summary>
    /// <see cref="MseHandshake.AcceptAsync"/> of an incoming connection whose bytes are the input, after which the peer
    /// closes. Oracle: it ends within the hang timeout with a result (a plain BitTorrent handshake) or an
    /// <see cref="MseException"/>, nothing else. The input cannot get past the key exchange (the secret is random), so this
    /// covers the public key, the padding and the search for the synchronisation pattern.
    /// </summary>
    public static void Mse(byte[] input)
    {
        var budget = AllocationBudget.ForProcess(input.Length, 1024 * 1024, 256);
        var toUs = new Pipe();
        var fromUs = new Pipe();
        var connection = PeerConnection.FromPipe(new WireHarness.Transport(toUs.Reader, fromUs.Writer), ConnectionDirection.Incoming);
        var accept = MseHandshake.AcceptAsync(connection, new MseTorrentTable([WireTargets.TorrentHash]), new MseOptions { HandshakeTimeout = WireHarness.HangTimeout * 2 });
        var drain = Task.Run(() => WireHarness.DrainAsync(fromUs.Reader));
        toUs.Writer.WriteAsync(input).AsTask().Wait();
        toUs.Writer.Complete();
        try
        {
            Oracle.Check(accept.Wait(WireHarness.HangTimeout), "the MSE handshake did not end after the peer closed");
        }
        catch (AggregateException e) when (e.InnerException is MseException)
        {
        }
        if (accept.IsCompletedSuccessfully) accept.Result.Connection.DisposeAsync().AsTask().Wait();
        else connection.DisposeAsync().AsTask().Wait();
        drain.Wait(WireHarness.HangTimeout);
        budget.Check("mse");
    }
}
