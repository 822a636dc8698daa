using System.Buffers;
using BitTorrent.Bencode;

namespace BitTorrent.Extensions;

/// <summary>
/// One BEP 9 ut_metadata message: a bencoded dictionary <c>{msg_type, piece[, total_size]}</c>, followed, for a data
/// message, by the piece's bytes. The dictionary is parsed with <see cref="BencodeReader"/>, so the data starts exactly
/// where the dictionary ends. A view over the payload: keep the payload alive and unchanged while it is used.
/// </summary>
public readonly ref struct MetadataMessage
{
    /// <summary>The size of every metadata piece but the last (16 KiB).</summary>
    public const int PieceLength = 16 * 1024;

    /// <summary>The largest info dictionary accepted or served (10 MB, as the npm ut_metadata).</summary>
    public const int MaxMetadataSize = 10_000_000;

    /// <summary>The number of pieces of a <see cref="MaxMetadataSize"/> info dictionary; larger piece indices are refused.</summary>
    public const int MaxPieceCount = (MaxMetadataSize + PieceLength - 1) / PieceLength;

    private static readonly BencodeOptions DecodeOptions = BencodeOptions.Lenient with { MaxDepth = 4, MaxElements = 32 };

    private MetadataMessage(MetadataMessageType type, int piece, long totalSize, ReadOnlySpan<byte> data)
    {
        Type = type;
        Piece = piece;
        TotalSize = totalSize;
        Data = data;
    }

    /// <summary>
    /// The message type. BEP 9 says to ignore unknown types, so values other than the three defined ones are
    /// passed through (with <see cref="Piece"/> 0) for the caller to ignore.
    /// </summary>
    public MetadataMessageType Type { get; }

    /// <summary>The piece index, from 0 to <see cref="MaxPieceCount"/> - 1.</summary>
    public int Piece { get; }

    /// <summary>For a data message, <c>total_size</c> when present (1 to <see cref="MaxMetadataSize"/>); otherwise -1.</summary>
    public long TotalSize { get; }

    /// <summary>For a data message, the piece bytes after the dictionary (at most <see cref="PieceLength"/>); otherwise empty.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>Creates a request for <paramref name="piece"/>.</summary>
    public static MetadataMessage Request(int piece) => new(MetadataMessageType.Request, CheckPiece(piece), -1, []);

    /// <summary>Creates a reject of <paramref name="piece"/>.</summary>
    public static MetadataMessage Reject(int piece) => new(MetadataMessageType.Reject, CheckPiece(piece), -1, []);

    /// <summary>Creates a data message carrying <paramref name="data"/> as piece <paramref name="piece"/> of a <paramref name="totalSize"/>-byte info dictionary.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The piece, size or data length is out of range.</exception>
    public static MetadataMessage DataPiece(int piece, int totalSize, ReadOnlySpan<byte> data)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(totalSize, MaxMetadataSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(data.Length, PieceLength, nameof(data));
        return new(MetadataMessageType.Data, CheckPiece(piece), totalSize, data);
    }

    /// <summary>Decodes a ut_metadata payload (after the extension id byte) and validates every number in it.</summary>
    /// <exception cref="ExtensionMessageException">The payload does not start with a bencoded dictionary, <c>msg_type</c> or
    /// <c>piece</c> is missing or out of range, <c>total_size</c> is out of range, or a data message carries more than 16 KiB.</exception>
    public static MetadataMessage Decode(ReadOnlySpan<byte> payload)
    {
        long? type = null, piece = null, totalSize = null;
        int dictionaryLength;
        try
        {
            var reader = new BencodeReader(payload, DecodeOptions);
            if (reader.Peek() != BencodeToken.DictionaryStart) throw Invalid("the payload does not start with a dictionary");
            reader.ReadDictionaryStart();
            while (!reader.TryReadEnd())
            {
                var key = reader.ReadString();
                if (key.SequenceEqual("msg_type"u8)) type = ReadInteger(ref reader, "msg_type");
                else if (key.SequenceEqual("piece"u8)) piece = ReadInteger(ref reader, "piece");
                else if (key.SequenceEqual("total_size"u8)) totalSize = ReadInteger(ref reader, "total_size");
                else reader.ReadRawValue();
            }
            dictionaryLength = reader.Position;
        }
        catch (BencodeException e)
        {
            throw new ExtensionMessageException(ExtensionNames.UtMetadata, "the payload is not valid bencode: " + e.Message, e);
        }
        if (type is null) throw Invalid("'msg_type' is missing");
        if (type is not (>= 0 and <= 2)) return new((MetadataMessageType)Math.Clamp(type.Value, int.MinValue, int.MaxValue), 0, -1, []);
        if (piece is null) throw Invalid("'piece' is missing");
        if (piece is < 0 or >= MaxPieceCount) throw Invalid($"piece {piece} is outside 0..{MaxPieceCount - 1}");
        var kind = (MetadataMessageType)type.Value;
        if (kind != MetadataMessageType.Data) return new(kind, (int)piece.Value, -1, []);
        if (totalSize is not null and (< 1 or > MaxMetadataSize)) throw Invalid($"total_size {totalSize} is outside 1..{MaxMetadataSize}");
        var data = payload[dictionaryLength..];
        if (data.Length > PieceLength) throw Invalid($"a data message carries {data.Length} bytes; a piece is at most {PieceLength}");
        return new(kind, (int)piece.Value, totalSize ?? -1, data);
    }

    /// <summary>Writes this message (dictionary, then the data of a data message) to <paramref name="output"/>.</summary>
    public void WriteTo(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var writer = new BencodeWriter(output);
        writer.WriteDictionaryStart();
        writer.WriteString("msg_type"u8);
        writer.WriteInteger((long)Type);
        writer.WriteString("piece"u8);
        writer.WriteInteger(Piece);
        if (Type == MetadataMessageType.Data)
        {
            writer.WriteString("total_size"u8);
            writer.WriteInteger(TotalSize);
        }
        writer.WriteEnd();
        if (Type == MetadataMessageType.Data) output.Write(Data);
    }

    /// <summary>This message as a new array.</summary>
    public byte[] ToArray()
    {
        var buffer = new ArrayBufferWriter<byte>(48 + Data.Length);
        WriteTo(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static int CheckPiece(int piece)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(piece);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(piece, MaxPieceCount);
        return piece;
    }

    private static long ReadInteger(scoped ref BencodeReader reader, string key)
    {
        if (reader.Peek() != BencodeToken.Integer) throw Invalid($"'{key}' is not an integer");
        return reader.ReadInteger();
    }

    private static ExtensionMessageException Invalid(string message) => new(ExtensionNames.UtMetadata, message);
}
