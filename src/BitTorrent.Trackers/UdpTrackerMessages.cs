using System.Buffers.Binary;
using System.Text;

namespace BitTorrent.Trackers;

/// <summary>The BEP 15 datagrams, big-endian, with BEP 41 URL data after the announce.</summary>
internal static class UdpTrackerMessages
{
    public const long ProtocolId = 0x41727101980;
    public const int ActionConnect = 0, ActionAnnounce = 1, ActionScrape = 2, ActionError = 3;
    public const int HeaderLength = 8, ConnectLength = 16, AnnounceLength = 98, AnnounceResponseHeader = 20;
    public const int MaxScrapeHashes = 74;
    private const byte OptionUrlData = 2;

    public static byte[] Connect(int transactionId)
    {
        var packet = new byte[ConnectLength];
        BinaryPrimitives.WriteInt64BigEndian(packet, ProtocolId);
        WriteHeader(packet.AsSpan(8), ActionConnect, transactionId);
        return packet;
    }

    public static byte[] Announce(long connectionId, int transactionId, AnnounceRequest request, string urlData)
    {
        int urlBytes = Encoding.UTF8.GetByteCount(urlData);
        int chunks = (urlBytes + 254) / 255;
        var packet = new byte[AnnounceLength + urlBytes + 2 * chunks];
        var span = packet.AsSpan();
        BinaryPrimitives.WriteInt64BigEndian(span, connectionId);
        WriteHeader(span[8..], ActionAnnounce, transactionId);
        request.InfoHash.CopyTo(span[16..]);
        request.PeerId.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt64BigEndian(span[56..], request.Downloaded);
        BinaryPrimitives.WriteInt64BigEndian(span[64..], request.Left);
        BinaryPrimitives.WriteInt64BigEndian(span[72..], request.Uploaded);
        BinaryPrimitives.WriteInt32BigEndian(span[80..], (int)request.Event);
        BinaryPrimitives.WriteInt32BigEndian(span[84..], 0); // ip: the sender's
        BinaryPrimitives.WriteUInt32BigEndian(span[88..], request.Key);
        BinaryPrimitives.WriteInt32BigEndian(span[92..], request.NumWant ?? -1);
        BinaryPrimitives.WriteUInt16BigEndian(span[96..], (ushort)request.Port);
        // BEP 41: the URL's path and query, in options of at most 255 bytes each.
        var url = Encoding.UTF8.GetBytes(urlData).AsSpan();
        var options = span[AnnounceLength..];
        while (url.Length > 0)
        {
            int length = Math.Min(255, url.Length);
            options[0] = OptionUrlData;
            options[1] = (byte)length;
            url[..length].CopyTo(options[2..]);
            url = url[length..];
            options = options[(2 + length)..];
        }
        return packet;
    }

    public static byte[] Scrape(long connectionId, int transactionId, ReadOnlySpan<InfoHash> infoHashes)
    {
        var packet = new byte[16 + InfoHash.Length * infoHashes.Length];
        BinaryPrimitives.WriteInt64BigEndian(packet, connectionId);
        WriteHeader(packet.AsSpan(8), ActionScrape, transactionId);
        for (int i = 0; i < infoHashes.Length; i++) infoHashes[i].CopyTo(packet.AsSpan(16 + i * InfoHash.Length));
        return packet;
    }

    public static int Action(ReadOnlySpan<byte> datagram) => BinaryPrimitives.ReadInt32BigEndian(datagram);

    public static int TransactionId(ReadOnlySpan<byte> datagram) => BinaryPrimitives.ReadInt32BigEndian(datagram[4..]);

    public static long ConnectionId(ReadOnlySpan<byte> datagram, Uri tracker)
    {
        Require(datagram, ConnectLength, tracker);
        return BinaryPrimitives.ReadInt64BigEndian(datagram[8..]);
    }

    public static string ErrorMessage(ReadOnlySpan<byte> datagram) => Encoding.UTF8.GetString(datagram[HeaderLength..]);

    public static AnnounceResponse AnnounceResponse(ReadOnlySpan<byte> datagram, int entryLength, TrackerOptions options, Uri tracker)
    {
        Require(datagram, AnnounceResponseHeader, tracker);
        var peers = new List<TrackerPeer>();
        CompactPeers.Read(datagram[AnnounceResponseHeader..], entryLength, peers, options.MaxPeers, tracker);
        return new AnnounceResponse
        {
            Interval = options.ClampInterval(BinaryPrimitives.ReadInt32BigEndian(datagram[8..])),
            Incomplete = Math.Max(0, BinaryPrimitives.ReadInt32BigEndian(datagram[12..])),
            Complete = Math.Max(0, BinaryPrimitives.ReadInt32BigEndian(datagram[16..])),
            Peers = peers,
        };
    }

    public static void ScrapeResponse(ReadOnlySpan<byte> datagram, ReadOnlySpan<InfoHash> infoHashes, Dictionary<InfoHash, ScrapeEntry> files, Uri tracker)
    {
        Require(datagram, HeaderLength + 12 * infoHashes.Length, tracker);
        for (int i = 0; i < infoHashes.Length; i++)
        {
            var entry = datagram.Slice(HeaderLength + 12 * i, 12);
            files[infoHashes[i]] = new ScrapeEntry(
                Complete: Math.Max(0, BinaryPrimitives.ReadInt32BigEndian(entry)),
                Downloaded: Math.Max(0, BinaryPrimitives.ReadInt32BigEndian(entry[4..])),
                Incomplete: Math.Max(0, BinaryPrimitives.ReadInt32BigEndian(entry[8..])));
        }
    }

    private static void WriteHeader(Span<byte> destination, int action, int transactionId)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, action);
        BinaryPrimitives.WriteInt32BigEndian(destination[4..], transactionId);
    }

    private static void Require(ReadOnlySpan<byte> datagram, int length, Uri tracker)
    {
        if (datagram.Length < length)
            throw new TrackerException(tracker, TrackerError.InvalidResponse, $"a datagram of {datagram.Length} bytes, expected {length}");
    }
}
