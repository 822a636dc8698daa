using System.Buffers.Binary;
using System.Net;

namespace BitTorrent.Trackers;

/// <summary>Compact peer lists: 6 bytes per IPv4 peer (BEP 23), 18 per IPv6 peer (BEP 7), address then port, big-endian.</summary>
public static class CompactPeers
{
    /// <summary>The size of one IPv4 entry.</summary>
    public const int IPv4EntryLength = 6;

    /// <summary>The size of one IPv6 entry.</summary>
    public const int IPv6EntryLength = 18;

    /// <summary>Appends the peers in <paramref name="data"/> to <paramref name="peers"/>.</summary>
    /// <param name="data">The compact list.</param>
    /// <param name="entryLength"><see cref="IPv4EntryLength"/> or <see cref="IPv6EntryLength"/>.</param>
    /// <param name="peers">The list to append to.</param>
    /// <param name="maxPeers">The most peers <paramref name="peers"/> may hold afterwards.</param>
    /// <param name="tracker">The tracker, for the error.</param>
    /// <exception cref="TrackerException"><see cref="TrackerError.InvalidPeerList"/> when the length is not a multiple
    /// of the entry length; <see cref="TrackerError.TooManyPeers"/> above <paramref name="maxPeers"/>.</exception>
    public static void Read(ReadOnlySpan<byte> data, int entryLength, List<TrackerPeer> peers, int maxPeers, Uri tracker)
    {
        if (entryLength is not (IPv4EntryLength or IPv6EntryLength))
            throw new ArgumentOutOfRangeException(nameof(entryLength));
        if (data.Length % entryLength != 0)
            throw new TrackerException(tracker, TrackerError.InvalidPeerList,
                $"a compact list of {data.Length} bytes is not a multiple of {entryLength}");
        int count = data.Length / entryLength;
        if (count > maxPeers - peers.Count)
            throw new TrackerException(tracker, TrackerError.TooManyPeers, $"more than {maxPeers} peers");
        peers.EnsureCapacity(peers.Count + count);
        int addressLength = entryLength - 2;
        for (int i = 0; i < count; i++)
        {
            var entry = data.Slice(i * entryLength, entryLength);
            var address = new IPAddress(entry[..addressLength]);
            int port = BinaryPrimitives.ReadUInt16BigEndian(entry[addressLength..]);
            peers.Add(new TrackerPeer(new IPEndPoint(address, port)));
        }
    }
}
