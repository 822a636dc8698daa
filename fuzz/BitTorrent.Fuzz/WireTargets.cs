using BitTorrent.Bencode;
using BitTorrent.Extensions;
using BitTorrent.Wire;

namespace BitTorrent.Fuzz;

/// <summary>Fuzz targets for the handshake, the extended handshake and a whole wire with its extensions.</summary>
public static class WireTargets
{
    /// <summary>The info hash both ends of the whole-wire target use.</summary>
    public static readonly InfoHash TorrentHash = new(Convert.FromHexString("0123456789abcdef0123456789abcdef01234567"));

    /// <summary>The metadata the whole-wire target serves over ut_metadata (a tiny info dictionary, one piece).</summary>
    public static readonly byte[] Metadata = "d6:lengthi16384e4:name4:fuzz12:piece lengthi16384e6:pieces20:aaaaaaaaaaaaaaaaaaaae"u8.ToArray();

    /// <summary>
    /// The input is the first bytes an incoming peer sends. Oracle: when they start with a well-formed 68-byte handshake,
    /// <see cref="Wire.Wire.HandshakeReceived"/> reports exactly its reserved bits, info hash and peer id; otherwise no
    /// handshake is reported and the wire closes as an invalid handshake (or, for a valid prefix, as the peer's end).
    /// </summary>
    public static void Handshake(byte[] input)
    {
        HandshakeEventArgs? received = null;
        var closed = WireHarness.Run(input, new WireOptions(), wire => wire.HandshakeReceived += (_, e) => received = e);
        bool valid = input.Length >= MessageWriter.HandshakeLength && input[0] == 19 && input.AsSpan(1, 19).SequenceEqual(MessageWriter.ProtocolName);
        if (valid)
        {
            Oracle.Check(received is not null, $"a valid handshake was not reported; closed {closed}");
            Oracle.SameBytes(input.AsSpan(28, 20), received!.InfoHash.ToArray(), "handshake info hash");
            Oracle.SameBytes(input.AsSpan(48, 20), received.PeerId.ToArray(), "handshake peer id");
            Oracle.Check(received.Reserved == System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(input.AsSpan(20, 8)), "handshake reserved bits");
        }
        else
        {
            Oracle.Check(received is null, "an invalid handshake was reported");
            Oracle.Check(closed.Reason is WireCloseReason.InvalidHandshake or WireCloseReason.RemoteEnd, $"an invalid handshake closed the wire with {closed}");
        }
    }

    /// <summary>
    /// <see cref="ExtendedHandshake.Parse"/>. Oracle: only <see cref="BencodeException"/>; an accepted handshake's whole
    /// dictionary decodes, its <c>m</c> keeps at most <see cref="ExtendedHandshake.MaxExtensions"/> names of at most
    /// <see cref="ExtendedHandshake.MaxNameLength"/> bytes, and every kept name is found by <see cref="ExtendedHandshake.GetExtensionId"/>.
    /// </summary>
    public static void ExtendedHandshakeTarget(byte[] input)
    {
        var budget = AllocationBudget.ForThread(input.Length, 64 * 1024, 160);
        ExtendedHandshake handshake;
        try
        {
            handshake = ExtendedHandshake.Parse(input);
        }
        catch (BencodeException)
        {
            budget.Check("extended_handshake");
            return;
        }
        Oracle.Check(handshake.M.Count <= ExtendedHandshake.MaxExtensions, $"{handshake.M.Count} extensions kept");
        foreach (var (name, _) in handshake.M)
        {
            Oracle.Check(name.Length <= ExtendedHandshake.MaxNameLength, $"a name of {name.Length} chars kept");
            Oracle.Check(handshake.GetExtensionId(name) is not null, $"kept name {name} is not found");
        }
        try
        {
            _ = handshake.Dictionary;
            _ = handshake.V;
            _ = handshake.YourIp;
        }
        catch (BencodeException e)
        {
            throw new FuzzFindingException($"an accepted extended handshake's dictionary does not decode: {e.Message}");
        }
        budget.Check("extended_handshake");
    }

    /// <summary>
    /// A whole incoming wire with ut_pex, ut_metadata (serving <see cref="Metadata"/>) and lt_donthave: the peer sends a
    /// valid handshake with the fast and extension bits, then the input as its message stream. Oracle: the wire closes
    /// within <see cref="WireHarness.HangTimeout"/> with a protocol reason (never an application error, which is where an
    /// unexpected exception in a parser or an extension lands) and allocates within a bound of the input.
    /// </summary>
    public static void WholeWire(byte[] input)
    {
        var budget = AllocationBudget.ForProcess(input.Length, 8 * 1024 * 1024, 1024);
        var inbound = new byte[MessageWriter.HandshakeLength + input.Length];
        MessageWriter.WriteHandshake(inbound, TorrentHash, new PeerId("-FZ0001-fuzzfuzzfuzz"u8), WireExtensions.Fast | WireExtensions.Extended);
        input.CopyTo(inbound, MessageWriter.HandshakeLength);
        WireHarness.Run(inbound, new WireOptions { PieceCount = 64 }, wire =>
        {
            wire.Use(w => new UtPex(w));
            wire.Use(w => new UtMetadata(w, Metadata));
            wire.Use(w => new LtDontHave(w));
            wire.HandshakeReceived += (_, _) => wire.Handshake(TorrentHash, new PeerId("-BT0001-localpeer000"u8), WireExtensions.Fast | WireExtensions.Extended);
        });
        budget.Check("wire");
    }
}
