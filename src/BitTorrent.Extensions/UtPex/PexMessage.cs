using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using BitTorrent.Bencode;

namespace BitTorrent.Extensions;

/// <summary>
/// One BEP 11 ut_pex message: a bencoded dictionary of compact peer lists, <c>added</c> (6 bytes per IPv4 peer),
/// <c>added.f</c> (one flag byte per added peer, optional), <c>added6</c> (18 bytes per IPv6 peer), <c>added6.f</c>,
/// <c>dropped</c> and <c>dropped6</c>. Encoding writes all six keys (as the npm ut_pex does); decoding accepts any
/// subset, ignores unknown keys and treats missing flags as <see cref="PexFlags.None"/>.
/// </summary>
public sealed class PexMessage
{
    /// <summary>The most added and the most dropped peers one message should carry (BEP 11).</summary>
    public const int MaxPeersPerMessage = 50;

    /// <summary>
    /// How many added (and, separately, dropped) peers <see cref="Decode"/> keeps by default. BEP 11 lets a first
    /// message list more than <see cref="MaxPeersPerMessage"/>; anything past this bound is counted in
    /// <see cref="IgnoredPeers"/> and not decoded.
    /// </summary>
    public const int DefaultMaxDecodedPeers = 200;

    private const int CompactV4 = 6;
    private const int CompactV6 = 18;
    private static readonly BencodeOptions DecodeOptions = BencodeOptions.Lenient with { MaxDepth = 8, MaxElements = 64 };

    /// <summary>Creates a message listing <paramref name="added"/> and <paramref name="dropped"/> peers.</summary>
    /// <exception cref="ArgumentException">An address is neither IPv4 nor IPv6.</exception>
    public PexMessage(IReadOnlyList<PexPeer> added, IReadOnlyList<IPEndPoint> dropped)
    {
        ArgumentNullException.ThrowIfNull(added);
        ArgumentNullException.ThrowIfNull(dropped);
        foreach (var peer in added) CheckAddress(peer.EndPoint, nameof(added));
        foreach (var endPoint in dropped) CheckAddress(endPoint, nameof(dropped));
        Added = added;
        Dropped = dropped;
    }

    private PexMessage(PexPeer[] added, IPEndPoint[] dropped, int ignoredPeers)
    {
        Added = added;
        Dropped = dropped;
        IgnoredPeers = ignoredPeers;
    }

    /// <summary>Peers the sender connected to (<c>added</c> then <c>added6</c>), with their flags.</summary>
    public IReadOnlyList<PexPeer> Added { get; }

    /// <summary>Peers the sender disconnected from (<c>dropped</c> then <c>dropped6</c>).</summary>
    public IReadOnlyList<IPEndPoint> Dropped { get; }

    /// <summary>For a decoded message: how many listed peers were past the decoding bound and were skipped.</summary>
    public int IgnoredPeers { get; }

    /// <summary>
    /// Decodes a ut_pex payload completely before returning, so a malformed message yields no peers at all.
    /// </summary>
    /// <param name="payload">The extended-message payload (after the extension id byte).</param>
    /// <param name="maxPeers">The most added peers, and separately the most dropped peers, to decode.</param>
    /// <exception cref="ExtensionMessageException">The payload is not a bencoded dictionary, a known key has the wrong type,
    /// or a compact list's length is not a multiple of 6 (IPv4) or 18 (IPv6).</exception>
    public static PexMessage Decode(ReadOnlySpan<byte> payload, int maxPeers = DefaultMaxDecodedPeers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxPeers);
        ReadOnlySpan<byte> added = [], addedFlags = [], added6 = [], added6Flags = [], dropped = [], dropped6 = [];
        try
        {
            var reader = new BencodeReader(payload, DecodeOptions);
            if (reader.Peek() != BencodeToken.DictionaryStart) throw Invalid("the payload is not a dictionary");
            reader.ReadDictionaryStart();
            while (!reader.TryReadEnd())
            {
                var key = reader.ReadString();
                if (key.SequenceEqual("added"u8)) added = ReadList(ref reader, "added");
                else if (key.SequenceEqual("added.f"u8)) addedFlags = ReadList(ref reader, "added.f");
                else if (key.SequenceEqual("added6"u8)) added6 = ReadList(ref reader, "added6");
                else if (key.SequenceEqual("added6.f"u8)) added6Flags = ReadList(ref reader, "added6.f");
                else if (key.SequenceEqual("dropped"u8)) dropped = ReadList(ref reader, "dropped");
                else if (key.SequenceEqual("dropped6"u8)) dropped6 = ReadList(ref reader, "dropped6");
                else reader.ReadRawValue();
            }
        }
        catch (BencodeException e)
        {
            throw new ExtensionMessageException(ExtensionNames.UtPex, "the payload is not valid bencode: " + e.Message, e);
        }
        CheckLength(added, CompactV4, "added");
        CheckLength(added6, CompactV6, "added6");
        CheckLength(dropped, CompactV4, "dropped");
        CheckLength(dropped6, CompactV6, "dropped6");

        int added4Count = added.Length / CompactV4, added6Count = added6.Length / CompactV6;
        int dropped4Count = dropped.Length / CompactV4, dropped6Count = dropped6.Length / CompactV6;
        int keptAdded4 = Math.Min(added4Count, maxPeers), keptAdded6 = Math.Min(added6Count, maxPeers - keptAdded4);
        int keptDropped4 = Math.Min(dropped4Count, maxPeers), keptDropped6 = Math.Min(dropped6Count, maxPeers - keptDropped4);

        var addedPeers = new PexPeer[keptAdded4 + keptAdded6];
        for (int i = 0; i < keptAdded4; i++)
            addedPeers[i] = new PexPeer(ReadEndPoint(added.Slice(i * CompactV4, CompactV4)), FlagAt(addedFlags, i));
        for (int i = 0; i < keptAdded6; i++)
            addedPeers[keptAdded4 + i] = new PexPeer(ReadEndPoint(added6.Slice(i * CompactV6, CompactV6)), FlagAt(added6Flags, i));
        var droppedPeers = new IPEndPoint[keptDropped4 + keptDropped6];
        for (int i = 0; i < keptDropped4; i++)
            droppedPeers[i] = ReadEndPoint(dropped.Slice(i * CompactV4, CompactV4));
        for (int i = 0; i < keptDropped6; i++)
            droppedPeers[keptDropped4 + i] = ReadEndPoint(dropped6.Slice(i * CompactV6, CompactV6));

        int ignored = added4Count + added6Count + dropped4Count + dropped6Count - addedPeers.Length - droppedPeers.Length;
        return new PexMessage(addedPeers, droppedPeers, ignored);
    }

    /// <summary>Writes the bencoded message (all six keys, sorted) to <paramref name="output"/> without allocating.</summary>
    public void WriteTo(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        int added4 = 0, dropped4 = 0;
        for (int i = 0; i < Added.Count; i++) if (IsV4(Added[i].EndPoint.Address)) added4++;
        for (int i = 0; i < Dropped.Count; i++) if (IsV4(Dropped[i].Address)) dropped4++;
        int added6 = Added.Count - added4, dropped6 = Dropped.Count - dropped4;

        Write(output, "d"u8);
        WriteHeader(output, "added"u8, added4 * CompactV4);
        WriteAdded(output, v4: true, flags: false);
        WriteHeader(output, "added.f"u8, added4);
        WriteAdded(output, v4: true, flags: true);
        WriteHeader(output, "added6"u8, added6 * CompactV6);
        WriteAdded(output, v4: false, flags: false);
        WriteHeader(output, "added6.f"u8, added6);
        WriteAdded(output, v4: false, flags: true);
        WriteHeader(output, "dropped"u8, dropped4 * CompactV4);
        WriteDropped(output, v4: true);
        WriteHeader(output, "dropped6"u8, dropped6 * CompactV6);
        WriteDropped(output, v4: false);
        Write(output, "e"u8);
    }

    private void WriteAdded(IBufferWriter<byte> output, bool v4, bool flags)
    {
        // Indexing (not foreach) so that iterating an IReadOnlyList does not box an enumerator.
        for (int i = 0; i < Added.Count; i++)
        {
            var peer = Added[i];
            if (IsV4(peer.EndPoint.Address) != v4) continue;
            if (flags) Write(output, [(byte)peer.Flags]);
            else WriteEndPoint(output, peer.EndPoint, v4);
        }
    }

    private void WriteDropped(IBufferWriter<byte> output, bool v4)
    {
        for (int i = 0; i < Dropped.Count; i++)
            if (IsV4(Dropped[i].Address) == v4) WriteEndPoint(output, Dropped[i], v4);
    }

    /// <summary>The bencoded message as a new array.</summary>
    public byte[] ToArray()
    {
        var buffer = new ArrayBufferWriter<byte>(64 + (Added.Count + Dropped.Count) * (CompactV6 + 1));
        WriteTo(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>True for IPv4 addresses, including IPv4-mapped IPv6 ones (which travel in the IPv4 lists).</summary>
    internal static bool IsV4(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork || address.IsIPv4MappedToIPv6;

    private static void CheckAddress(IPEndPoint? endPoint, string paramName)
    {
        if (endPoint is null) throw new ArgumentException("a peer address is null", paramName);
        if (endPoint.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            throw new ArgumentException($"{endPoint} is neither IPv4 nor IPv6", paramName);
    }

    private static ReadOnlySpan<byte> ReadList(scoped ref BencodeReader reader, string key)
    {
        if (reader.Peek() != BencodeToken.String) throw Invalid($"'{key}' is not a byte string");
        return reader.ReadString();
    }

    private static void CheckLength(ReadOnlySpan<byte> compact, int entrySize, string key)
    {
        if (compact.Length % entrySize != 0)
            throw Invalid($"'{key}' is {compact.Length} bytes, not a multiple of {entrySize}");
    }

    private static PexFlags FlagAt(ReadOnlySpan<byte> flags, int index) => index < flags.Length ? (PexFlags)flags[index] : PexFlags.None;

    private static IPEndPoint ReadEndPoint(ReadOnlySpan<byte> compact) =>
        new(new IPAddress(compact[..^2]), BinaryPrimitives.ReadUInt16BigEndian(compact[^2..]));

    private static void WriteEndPoint(IBufferWriter<byte> output, IPEndPoint endPoint, bool v4)
    {
        var span = output.GetSpan(CompactV6);
        int addressLength;
        if (v4 && endPoint.AddressFamily == AddressFamily.InterNetworkV6)
        {
            Span<byte> mapped = stackalloc byte[16];
            endPoint.Address.TryWriteBytes(mapped, out _);
            mapped[12..].CopyTo(span);
            addressLength = 4;
        }
        else
        {
            endPoint.Address.TryWriteBytes(span, out addressLength);
        }
        BinaryPrimitives.WriteUInt16BigEndian(span[addressLength..], (ushort)endPoint.Port);
        output.Advance(addressLength + 2);
    }

    private static void WriteHeader(IBufferWriter<byte> output, ReadOnlySpan<byte> key, int valueLength)
    {
        var span = output.GetSpan(key.Length + 24);
        Utf8Formatter.TryFormat(key.Length, span, out int written);
        span[written++] = (byte)':';
        key.CopyTo(span[written..]);
        written += key.Length;
        Utf8Formatter.TryFormat(valueLength, span[written..], out int lengthDigits);
        written += lengthDigits;
        span[written++] = (byte)':';
        output.Advance(written);
    }

    private static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);

    private static ExtensionMessageException Invalid(string message) => new(ExtensionNames.UtPex, message);
}
