using BitTorrent.Extensions;

namespace BitTorrent.Fuzz;

/// <summary>Fuzz targets for ut_pex, ut_metadata and magnet links.</summary>
public static class ExtensionTargets
{
    /// <summary>
    /// <see cref="PexMessage.Decode"/>. Oracle: only <see cref="ExtensionMessageException"/>; an accepted message, written
    /// back, decodes to the same peers and flags, and writing that again gives the same bytes.
    /// </summary>
    public static void UtPex(byte[] input)
    {
        var budget = AllocationBudget.ForThread(input.Length, 64 * 1024, 64);
        PexMessage message;
        try
        {
            message = PexMessage.Decode(input);
        }
        catch (ExtensionMessageException)
        {
            budget.Check("ut_pex");
            return;
        }
        var encoded = message.ToArray();
        var again = PexMessage.Decode(encoded);
        Oracle.Check(again.Added.SequenceEqual(message.Added), "ut_pex added peers differ after a round trip");
        Oracle.Check(again.Dropped.SequenceEqual(message.Dropped), "ut_pex dropped peers differ after a round trip");
        Oracle.SameBytes(encoded, again.ToArray(), "ut_pex encoding fixpoint");
        budget.Check("ut_pex");
    }

    /// <summary>
    /// <see cref="MetadataMessage.Decode"/>. Oracle: only <see cref="ExtensionMessageException"/>; a request, reject or data
    /// message built again from the decoded fields encodes to bytes that decode to the same fields.
    /// </summary>
    public static void UtMetadata(byte[] input)
    {
        var budget = AllocationBudget.ForThread(input.Length, 64 * 1024, 64);
        MetadataMessage message;
        try
        {
            message = MetadataMessage.Decode(input);
        }
        catch (ExtensionMessageException)
        {
            budget.Check("ut_metadata");
            return;
        }
        Oracle.Check(message.Data.Length <= MetadataMessage.PieceLength, "a data message over 16 KiB was accepted");
        byte[]? encoded = message.Type switch
        {
            MetadataMessageType.Request => MetadataMessage.Request(message.Piece).ToArray(),
            MetadataMessageType.Reject => MetadataMessage.Reject(message.Piece).ToArray(),
            MetadataMessageType.Data when message.TotalSize > 0 => MetadataMessage.DataPiece(message.Piece, (int)message.TotalSize, message.Data).ToArray(),
            _ => null,
        };
        if (encoded is not null)
        {
            var again = MetadataMessage.Decode(encoded);
            Oracle.Check(again.Type == message.Type && again.Piece == message.Piece, "ut_metadata type or piece differs after a round trip");
            Oracle.Check(again.Type != MetadataMessageType.Data || (again.TotalSize == message.TotalSize && again.Data.SequenceEqual(message.Data)),
                "ut_metadata data or total size differs after a round trip");
        }
        budget.Check("ut_metadata");
    }

    /// <summary>
    /// <see cref="MetadataAssembler"/> fed pieces described by the input: two bytes of size, then records of a piece
    /// index byte, a two-byte length and a fill byte. Oracle: every result matches a model of the rules (index, exact
    /// length, duplicate), the buffered bytes are the model's, a wrong hash resets everything, and the right hash hands
    /// out exactly the accepted bytes.
    /// </summary>
    public static void MetadataAssembly(byte[] input)
    {
        if (input.Length < 2) return;
        int size = 1 + ((input[0] << 8 | input[1]) % (3 * MetadataMessage.PieceLength));
        var wrong = new MetadataAssembler(new InfoHash(new byte[20]), size);
        var model = new byte[wrong.PieceCount][];
        long buffered = 0;
        for (int offset = 2; offset + 4 <= input.Length; offset += 4)
        {
            int piece = (sbyte)input[offset];
            int length = input[offset + 1] << 8 | input[offset + 2];
            var data = new byte[length];
            Array.Fill(data, input[offset + 3]);
            var expected = piece < 0 || piece >= model.Length ? MetadataPieceResult.InvalidIndex
                : length != wrong.GetPieceLength(piece) ? MetadataPieceResult.InvalidLength
                : model[piece] is not null ? MetadataPieceResult.Duplicate
                : MetadataPieceResult.Accepted;
            var result = wrong.Add(piece, data);
            Oracle.Check(result == expected, $"piece {piece} of {length} bytes: {result}, expected {expected}");
            if (result == MetadataPieceResult.Accepted)
            {
                model[piece] = data;
                buffered += length;
            }
            Oracle.Check(wrong.BufferedBytes == buffered, $"buffered {wrong.BufferedBytes}, expected {buffered}");
        }
        Oracle.Check(wrong.IsComplete == model.All(p => p is not null), "completeness differs from the model");
        if (!wrong.IsComplete) return;
        var whole = model.SelectMany(p => p!).ToArray();
        Oracle.Check(!wrong.TryComplete(out _) && wrong.ReceivedCount == 0 && wrong.BufferedBytes == 0, "a wrong hash did not reset the assembler");
        var right = new MetadataAssembler(new InfoHash(System.Security.Cryptography.SHA1.HashData(whole)), size);
        for (int i = 0; i < model.Length; i++) right.Add(i, model[i]);
        Oracle.Check(right.TryComplete(out var info) && info.AsSpan().SequenceEqual(whole), "the right hash did not hand out the accepted bytes");
    }

    /// <summary>
    /// <see cref="MagnetLink.Parse"/> of the input as UTF-8 text. Oracle: only <see cref="MagnetLinkFormatException"/>;
    /// an accepted link's <see cref="MagnetLink.ToString"/> parses back to the same link and formats identically.
    /// </summary>
    public static void Magnet(byte[] input)
    {
        var budget = AllocationBudget.ForThread(input.Length, 64 * 1024, 128);
        var text = System.Text.Encoding.UTF8.GetString(input);
        MagnetLink link;
        try
        {
            link = MagnetLink.Parse(text);
        }
        catch (MagnetLinkFormatException)
        {
            budget.Check("magnet");
            return;
        }
        var formatted = link.ToString();
        MagnetLink again;
        try
        {
            again = MagnetLink.Parse(formatted);
        }
        catch (MagnetLinkFormatException e)
        {
            throw new FuzzFindingException($"the formatted link does not parse back ({e.Message}): {formatted}");
        }
        Oracle.Check(again.ToString() == formatted, $"formatting is not a fixpoint: {formatted} then {again}");
        Oracle.Check(again.InfoHash == link.InfoHash && again.DisplayName == link.DisplayName, "info hash or name differ after a round trip");
        Oracle.Check(again.Trackers.SequenceEqual(link.Trackers) && again.WebSeeds.SequenceEqual(link.WebSeeds), "trackers or web seeds differ after a round trip");
        Oracle.Check(again.Peers.Select(p => p.ToString()).SequenceEqual(link.Peers.Select(p => p.ToString())), "peers differ after a round trip");
        budget.Check("magnet");
    }
}
