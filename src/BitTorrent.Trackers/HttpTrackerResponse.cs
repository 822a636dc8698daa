using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text;
using BitTorrent.Bencode;

namespace BitTorrent.Trackers;

/// <summary>Parses HTTP tracker bodies: announce (BEP 3, 7, 23) and scrape (BEP 48), bounded by <see cref="TrackerOptions"/>.</summary>
public static class HttpTrackerResponse
{
    private static readonly BencodeOptions Limits = new() { IsStrict = false, MaxDepth = 8 };

    /// <summary>Parses an announce response body.</summary>
    /// <param name="body">The bencoded body.</param>
    /// <param name="options">Peer count and interval limits.</param>
    /// <param name="tracker">The tracker, for errors.</param>
    /// <exception cref="TrackerException">A <c>failure reason</c>, malformed bencode, a bad peer list or too many peers.</exception>
    public static AnnounceResponse ParseAnnounce(ReadOnlySpan<byte> body, TrackerOptions options, Uri tracker)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            return ReadAnnounce(body, options, tracker);
        }
        catch (BencodeException e)
        {
            throw new TrackerException(tracker, TrackerError.InvalidResponse, e.Message, e);
        }
    }

    /// <summary>Parses a scrape response body (<c>files</c>: info hash → complete, downloaded, incomplete).</summary>
    /// <exception cref="TrackerException">A <c>failure reason</c> or malformed bencode.</exception>
    public static ScrapeResponse ParseScrape(ReadOnlySpan<byte> body, Uri tracker)
    {
        try
        {
            return ReadScrape(body, tracker);
        }
        catch (BencodeException e)
        {
            throw new TrackerException(tracker, TrackerError.InvalidResponse, e.Message, e);
        }
    }

    private static AnnounceResponse ReadAnnounce(ReadOnlySpan<byte> body, TrackerOptions options, Uri tracker)
    {
        var reader = new BencodeReader(body, Limits);
        RequireDictionary(ref reader, tracker);
        reader.ReadDictionaryStart();
        var peers = new List<TrackerPeer>();
        string? failure = null, warning = null, trackerId = null;
        long? interval = null, minInterval = null, complete = null, incomplete = null;
        while (!reader.TryReadEnd())
        {
            var key = reader.ReadString();
            if (key.SequenceEqual("peers"u8))
            {
                if (reader.Peek() == BencodeToken.ListStart) ReadPeerDictionaries(ref reader, peers, options.MaxPeers, tracker);
                else CompactPeers.Read(reader.ReadString(), CompactPeers.IPv4EntryLength, peers, options.MaxPeers, tracker);
            }
            else if (key.SequenceEqual("peers6"u8))
                CompactPeers.Read(reader.ReadString(), CompactPeers.IPv6EntryLength, peers, options.MaxPeers, tracker);
            else if (key.SequenceEqual("interval"u8)) interval = reader.ReadInteger();
            else if (key.SequenceEqual("min interval"u8)) minInterval = reader.ReadInteger();
            else if (key.SequenceEqual("complete"u8)) complete = reader.ReadInteger();
            else if (key.SequenceEqual("incomplete"u8)) incomplete = reader.ReadInteger();
            else if (key.SequenceEqual("failure reason"u8)) failure = Text(reader.ReadString());
            else if (key.SequenceEqual("warning message"u8)) warning = Text(reader.ReadString());
            else if (key.SequenceEqual("tracker id"u8)) trackerId = Text(reader.ReadString());
            else reader.ReadRawValue();
        }
        if (failure is not null) throw new TrackerException(tracker, TrackerError.Failure, failure);
        return new AnnounceResponse
        {
            Interval = interval is long seconds ? options.ClampInterval(seconds) : options.DefaultInterval,
            MinInterval = minInterval is long min ? options.ClampInterval(min) : null,
            Peers = peers,
            Complete = Count(complete),
            Incomplete = Count(incomplete),
            TrackerId = trackerId,
            WarningMessage = warning,
        };
    }

    private static void ReadPeerDictionaries(ref BencodeReader reader, List<TrackerPeer> peers, int maxPeers, Uri tracker)
    {
        reader.ReadListStart();
        while (!reader.TryReadEnd())
        {
            if (peers.Count >= maxPeers)
                throw new TrackerException(tracker, TrackerError.TooManyPeers, $"more than {maxPeers} peers");
            RequireDictionary(ref reader, tracker);
            reader.ReadDictionaryStart();
            ReadOnlySpan<byte> ip = default, id = default;
            long port = -1;
            while (!reader.TryReadEnd())
            {
                var key = reader.ReadString();
                if (key.SequenceEqual("ip"u8)) ip = reader.ReadString();
                else if (key.SequenceEqual("port"u8)) port = reader.ReadInteger();
                else if (key.SequenceEqual("peer id"u8)) id = reader.ReadString();
                else reader.ReadRawValue();
            }
            // A host name instead of an address, a missing or out-of-range port: that one entry is skipped.
            if (port is < 1 or > 65535 || !TryParseAddress(ip, out var address)) continue;
            PeerId? peerId = id.Length == PeerId.Length ? new PeerId(id) : null;
            peers.Add(new TrackerPeer(new IPEndPoint(address, (int)port), peerId));
        }
    }

    private static ScrapeResponse ReadScrape(ReadOnlySpan<byte> body, Uri tracker)
    {
        var reader = new BencodeReader(body, Limits);
        RequireDictionary(ref reader, tracker);
        reader.ReadDictionaryStart();
        var files = new Dictionary<InfoHash, ScrapeEntry>();
        string? failure = null;
        while (!reader.TryReadEnd())
        {
            var key = reader.ReadString();
            if (key.SequenceEqual("failure reason"u8)) failure = Text(reader.ReadString());
            else if (key.SequenceEqual("files"u8) && reader.Peek() == BencodeToken.DictionaryStart)
            {
                reader.ReadDictionaryStart();
                while (!reader.TryReadEnd())
                {
                    var hash = reader.ReadString();
                    var entry = ReadScrapeEntry(ref reader, tracker);
                    if (TryReadHashKey(hash, out var infoHash)) files[infoHash] = entry;
                }
            }
            else reader.ReadRawValue();
        }
        if (failure is not null) throw new TrackerException(tracker, TrackerError.Failure, failure);
        return new ScrapeResponse(files);
    }

    private static ScrapeEntry ReadScrapeEntry(ref BencodeReader reader, Uri tracker)
    {
        RequireDictionary(ref reader, tracker);
        reader.ReadDictionaryStart();
        long complete = 0, downloaded = 0, incomplete = 0;
        while (!reader.TryReadEnd())
        {
            var key = reader.ReadString();
            if (key.SequenceEqual("complete"u8)) complete = reader.ReadInteger();
            else if (key.SequenceEqual("downloaded"u8)) downloaded = reader.ReadInteger();
            else if (key.SequenceEqual("incomplete"u8)) incomplete = reader.ReadInteger();
            else reader.ReadRawValue();
        }
        return new ScrapeEntry(Count(complete) ?? 0, Count(downloaded) ?? 0, Count(incomplete) ?? 0);
    }

    /// <summary>A 20-byte key, or (the npm bittorrent-tracker server's way) the 20 bytes as characters U+0000–U+00FF
    /// encoded in UTF-8, so bytes from 0x80 up take two bytes each.</summary>
    private static bool TryReadHashKey(ReadOnlySpan<byte> key, out InfoHash infoHash)
    {
        infoHash = default;
        if (key.Length == InfoHash.Length)
        {
            infoHash = new InfoHash(key);
            return true;
        }
        if (key.Length > 2 * InfoHash.Length) return false;
        Span<char> chars = stackalloc char[2 * InfoHash.Length];
        if (!Encoding.UTF8.TryGetChars(key, chars, out int count) || count != InfoHash.Length) return false;
        Span<byte> bytes = stackalloc byte[InfoHash.Length];
        for (int i = 0; i < count; i++)
        {
            if (chars[i] > 0xFF) return false;
            bytes[i] = (byte)chars[i];
        }
        infoHash = new InfoHash(bytes);
        return true;
    }

    private static bool TryParseAddress(ReadOnlySpan<byte> ip, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        // The longest textual IPv6 address with a scope is well under 64 characters.
        if (ip.Length is 0 or > 64) return false;
        Span<char> chars = stackalloc char[64];
        return Encoding.UTF8.TryGetChars(ip, chars, out int count) && IPAddress.TryParse(chars[..count], out address);
    }

    private static void RequireDictionary(ref BencodeReader reader, Uri tracker)
    {
        if (reader.Peek() != BencodeToken.DictionaryStart)
            throw new TrackerException(tracker, TrackerError.InvalidResponse, "expected a bencoded dictionary");
    }

    private static int? Count(long? value) => value is long v ? (int)Math.Clamp(v, 0, int.MaxValue) : null;

    private static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
