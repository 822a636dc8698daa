using System.Buffers;
using BitTorrent.Bencode;

namespace BitTorrent.Dht.Krpc;

/// <summary>Decodes and encodes KRPC messages (BEP 5, 32, 42, 43, 44, 51) without copying.</summary>
public static class KrpcCodec
{
    /// <summary>The largest datagram accepted by default (an Ethernet MTU).</summary>
    public const int DefaultMaxDatagramSize = 1500;

    /// <summary>The longest transaction id accepted.</summary>
    public const int MaxTransactionIdLength = 16;

    /// <summary>The bencode limits every KRPC datagram is read with.</summary>
    public static BencodeOptions ReaderOptions { get; } = new()
    {
        IsStrict = false,
        MaxDepth = 16,
        MaxStringLength = 64 * 1024,
        MaxTotalSize = 64 * 1024,
        MaxElements = 2048,
    };

    /// <summary>Decodes one datagram. Never throws: a malformed datagram yields false and a typed reason.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> datagram, out KrpcMessage message, out KrpcDecodeError error,
        int maxDatagramSize = DefaultMaxDatagramSize)
    {
        message = default;
        if (datagram.IsEmpty)
        {
            error = KrpcDecodeError.Empty;
            return false;
        }
        if (datagram.Length > maxDatagramSize || datagram.Length > ReaderOptions.MaxTotalSize)
        {
            error = KrpcDecodeError.TooLarge;
            return false;
        }
        try
        {
            error = Decode(datagram, ref message);
        }
        catch (BencodeException)
        {
            error = KrpcDecodeError.InvalidBencode;
        }
        return error == KrpcDecodeError.None;
    }

    private static KrpcDecodeError Decode(ReadOnlySpan<byte> datagram, ref KrpcMessage message)
    {
        var reader = new BencodeReader(datagram, ReaderOptions);
        if (reader.Peek() != BencodeToken.DictionaryStart)
        {
            return KrpcDecodeError.NotADictionary;
        }
        reader.ReadDictionaryStart();
        bool hasT = false, hasA = false, hasR = false, hasE = false;
        byte y = 0;
        while (!reader.TryReadEnd())
        {
            var key = reader.ReadString();
            var token = reader.Peek();
            if (key.Length == 1)
            {
                switch (key[0])
                {
                    case (byte)'t':
                        if (token != BencodeToken.String) return KrpcDecodeError.InvalidTransactionId;
                        message.TransactionId = reader.ReadString();
                        hasT = true;
                        continue;
                    case (byte)'y':
                        if (token != BencodeToken.String) return KrpcDecodeError.InvalidMessageType;
                        var ys = reader.ReadString();
                        y = ys.Length == 1 ? ys[0] : (byte)0;
                        continue;
                    case (byte)'q':
                        if (token != BencodeToken.String) return KrpcDecodeError.InvalidFieldType;
                        message.MethodName = reader.ReadString();
                        continue;
                    case (byte)'v':
                        if (token == BencodeToken.String) message.Version = reader.ReadString();
                        else reader.ReadRawValue();
                        continue;
                    case (byte)'a':
                    case (byte)'r':
                        if (token != BencodeToken.DictionaryStart) return KrpcDecodeError.InvalidFieldType;
                        if (key[0] == (byte)'a') hasA = true; else hasR = true;
                        var bodyError = ReadBody(ref reader, ref message);
                        if (bodyError != KrpcDecodeError.None) return bodyError;
                        continue;
                    case (byte)'e':
                        if (token != BencodeToken.ListStart) return KrpcDecodeError.MalformedError;
                        if (!ReadError(ref reader, ref message)) return KrpcDecodeError.MalformedError;
                        hasE = true;
                        continue;
                }
            }
            else if (key.SequenceEqual("ip"u8) && token == BencodeToken.String)
            {
                message.RequesterIp = reader.ReadString();
                continue;
            }
            else if (key.SequenceEqual("ro"u8) && token == BencodeToken.Integer)
            {
                message.ReadOnly = reader.ReadInteger() == 1;
                continue;
            }
            reader.ReadRawValue();
        }
        reader.EnsureFullyConsumed();
        if (!hasT || message.TransactionId.IsEmpty || message.TransactionId.Length > MaxTransactionIdLength)
        {
            return KrpcDecodeError.InvalidTransactionId;
        }
        switch (y)
        {
            case (byte)'q':
                message.Type = KrpcMessageType.Query;
                if (message.MethodName.IsEmpty || !hasA) return KrpcDecodeError.MissingQueryFields;
                message.Method = ParseMethod(message.MethodName);
                return message.Id.Length == NodeId.Length ? KrpcDecodeError.None : KrpcDecodeError.InvalidNodeId;
            case (byte)'r':
                message.Type = KrpcMessageType.Response;
                if (!hasR) return KrpcDecodeError.MissingResponse;
                return message.Id.Length == NodeId.Length ? KrpcDecodeError.None : KrpcDecodeError.InvalidNodeId;
            case (byte)'e':
                message.Type = KrpcMessageType.Error;
                return hasE ? KrpcDecodeError.None : KrpcDecodeError.MalformedError;
            default:
                return KrpcDecodeError.InvalidMessageType;
        }
    }

    private static bool ReadError(ref BencodeReader reader, ref KrpcMessage message)
    {
        reader.ReadListStart();
        int index = 0;
        while (!reader.TryReadEnd())
        {
            var token = reader.Peek();
            if (index == 0 && token == BencodeToken.Integer) message.ErrorCode = reader.ReadInteger();
            else if (index == 1 && token == BencodeToken.String) message.ErrorMessage = reader.ReadString();
            else if (index < 2) return false;
            else reader.ReadRawValue();
            index++;
        }
        return index >= 1;
    }

    private static KrpcDecodeError ReadBody(ref BencodeReader reader, ref KrpcMessage message)
    {
        reader.ReadDictionaryStart();
        while (!reader.TryReadEnd())
        {
            var key = reader.ReadString();
            var token = reader.Peek();
            switch (key.Length)
            {
                case 1 when key[0] == (byte)'k': if (token != BencodeToken.String) return KrpcDecodeError.InvalidFieldType; message.Key = reader.ReadString(); continue;
                case 1 when key[0] == (byte)'v': message.Value = reader.ReadRawValue(); continue;
                case 2 when key.SequenceEqual("id"u8): if (token != BencodeToken.String) return KrpcDecodeError.InvalidFieldType; message.Id = reader.ReadString(); continue;
                case 3 when key.SequenceEqual("seq"u8): if (!Integer(ref reader, token, out var seq)) return KrpcDecodeError.InvalidFieldType; message.Sequence = seq; continue;
                case 3 when key.SequenceEqual("sig"u8): if (token != BencodeToken.String) return KrpcDecodeError.InvalidFieldType; message.Signature = reader.ReadString(); continue;
                case 3 when key.SequenceEqual("cas"u8): if (!Integer(ref reader, token, out var cas)) return KrpcDecodeError.InvalidFieldType; message.Cas = cas; continue;
                case 3 when key.SequenceEqual("num"u8): if (!Integer(ref reader, token, out var num)) return KrpcDecodeError.InvalidFieldType; message.Num = num; continue;
                case 4 when key.SequenceEqual("port"u8): if (!Integer(ref reader, token, out var port)) return KrpcDecodeError.InvalidFieldType; message.Port = port; continue;
                case 4 when key.SequenceEqual("salt"u8): if (token != BencodeToken.String) return KrpcDecodeError.InvalidFieldType; message.Salt = reader.ReadString(); continue;
                case 4 when key.SequenceEqual("want"u8): if (!ReadWant(ref reader, token, ref message)) return KrpcDecodeError.InvalidFieldType; continue;
                case 5 when key.SequenceEqual("nodes"u8): if (token != BencodeToken.String) return KrpcDecodeError.InvalidFieldType; message.Nodes = reader.ReadString(); continue;
                case 5 when key.SequenceEqual("token"u8): if (token != BencodeToken.String) return KrpcDecodeError.InvalidFieldType; message.Token = reader.ReadString(); continue;
                case 6 when key.SequenceEqual("nodes6"u8): if (token != BencodeToken.String) return KrpcDecodeError.InvalidFieldType; message.Nodes6 = reader.ReadString(); continue;
                case 6 when key.SequenceEqual("target"u8): if (token != BencodeToken.String) return KrpcDecodeError.InvalidFieldType; message.Target = reader.ReadString(); continue;
                case 6 when key.SequenceEqual("values"u8):
                    if (token != BencodeToken.ListStart) return KrpcDecodeError.InvalidFieldType;
                    message.Values = reader.ReadRawValue();
                    continue;
                case 7 when key.SequenceEqual("samples"u8): if (token != BencodeToken.String) return KrpcDecodeError.InvalidFieldType; message.Samples = reader.ReadString(); continue;
                case 8 when key.SequenceEqual("interval"u8): if (!Integer(ref reader, token, out var interval)) return KrpcDecodeError.InvalidFieldType; message.Interval = interval; continue;
                case 9 when key.SequenceEqual("info_hash"u8): if (token != BencodeToken.String) return KrpcDecodeError.InvalidFieldType; message.InfoHash = reader.ReadString(); continue;
                case 12 when key.SequenceEqual("implied_port"u8): if (!Integer(ref reader, token, out var implied)) return KrpcDecodeError.InvalidFieldType; message.ImpliedPort = implied; continue;
            }
            reader.ReadRawValue();
        }
        return KrpcDecodeError.None;
    }

    private static bool Integer(ref BencodeReader reader, BencodeToken token, out long value)
    {
        if (token != BencodeToken.Integer)
        {
            value = 0;
            return false;
        }
        value = reader.ReadInteger();
        return true;
    }

    private static bool ReadWant(ref BencodeReader reader, BencodeToken token, ref KrpcMessage message)
    {
        if (token != BencodeToken.ListStart) return false;
        reader.ReadListStart();
        var want = KrpcWant.None;
        while (!reader.TryReadEnd())
        {
            if (reader.Peek() != BencodeToken.String)
            {
                reader.ReadRawValue();
                continue;
            }
            var w = reader.ReadString();
            if (w.SequenceEqual("n4"u8)) want |= KrpcWant.N4;
            else if (w.SequenceEqual("n6"u8)) want |= KrpcWant.N6;
        }
        message.Want = want;
        return true;
    }

    /// <summary>Maps a method name to <see cref="KrpcMethod"/>.</summary>
    public static KrpcMethod ParseMethod(ReadOnlySpan<byte> name) => name switch
    {
        _ when name.SequenceEqual("ping"u8) => KrpcMethod.Ping,
        _ when name.SequenceEqual("find_node"u8) => KrpcMethod.FindNode,
        _ when name.SequenceEqual("get_peers"u8) => KrpcMethod.GetPeers,
        _ when name.SequenceEqual("announce_peer"u8) => KrpcMethod.AnnouncePeer,
        _ when name.SequenceEqual("get"u8) => KrpcMethod.Get,
        _ when name.SequenceEqual("put"u8) => KrpcMethod.Put,
        _ when name.SequenceEqual("sample_infohashes"u8) => KrpcMethod.SampleInfohashes,
        _ => KrpcMethod.Unknown,
    };

    /// <summary>The wire name of a known method.</summary>
    public static ReadOnlySpan<byte> MethodName(KrpcMethod method) => method switch
    {
        KrpcMethod.Ping => "ping"u8,
        KrpcMethod.FindNode => "find_node"u8,
        KrpcMethod.GetPeers => "get_peers"u8,
        KrpcMethod.AnnouncePeer => "announce_peer"u8,
        KrpcMethod.Get => "get"u8,
        KrpcMethod.Put => "put"u8,
        KrpcMethod.SampleInfohashes => "sample_infohashes"u8,
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    /// <summary>
    /// Encodes <paramref name="message"/> with keys in sorted order. For queries <see cref="KrpcMessage.MethodName"/>
    /// is used when set, otherwise the name of <see cref="KrpcMessage.Method"/>.
    /// </summary>
    public static void Encode(in KrpcMessage message, IBufferWriter<byte> output)
    {
        var w = new BencodeWriter(output);
        w.WriteDictionaryStart();
        switch (message.Type)
        {
            case KrpcMessageType.Query:
                w.WriteString("a"u8);
                WriteBody(w, message);
                WriteIp(w, message);
                w.WriteString("q"u8);
                w.WriteString(message.MethodName.IsEmpty ? MethodName(message.Method) : message.MethodName);
                if (message.ReadOnly)
                {
                    w.WriteString("ro"u8);
                    w.WriteInteger(1);
                }
                break;
            case KrpcMessageType.Response:
                WriteIp(w, message);
                w.WriteString("r"u8);
                WriteBody(w, message);
                break;
            case KrpcMessageType.Error:
                w.WriteString("e"u8);
                w.WriteListStart();
                w.WriteInteger(message.ErrorCode);
                w.WriteString(message.ErrorMessage);
                w.WriteEnd();
                WriteIp(w, message);
                break;
        }
        w.WriteString("t"u8);
        w.WriteString(message.TransactionId);
        if (!message.Version.IsEmpty)
        {
            w.WriteString("v"u8);
            w.WriteString(message.Version);
        }
        w.WriteString("y"u8);
        w.WriteString(message.Type switch
        {
            KrpcMessageType.Query => "q"u8,
            KrpcMessageType.Response => "r"u8,
            _ => "e"u8,
        });
        w.WriteEnd();
    }

    /// <summary>Encodes into <paramref name="destination"/> and returns the length, or -1 if it does not fit.</summary>
    public static int Encode(in KrpcMessage message, Span<byte> destination)
    {
        var writer = SpanBufferWriter.Rent();
        try
        {
            Encode(message, writer);
            var written = writer.WrittenSpan;
            if (written.Length > destination.Length) return -1;
            written.CopyTo(destination);
            return written.Length;
        }
        finally
        {
            writer.Reset();
        }
    }

    private static void WriteIp(BencodeWriter w, in KrpcMessage message)
    {
        if (!message.RequesterIp.IsEmpty)
        {
            w.WriteString("ip"u8);
            w.WriteString(message.RequesterIp);
        }
    }

    private static void WriteBody(BencodeWriter w, in KrpcMessage m)
    {
        w.WriteDictionaryStart();
        if (m.Cas is long cas) { w.WriteString("cas"u8); w.WriteInteger(cas); }
        if (!m.Id.IsEmpty) { w.WriteString("id"u8); w.WriteString(m.Id); }
        if (m.ImpliedPort is long implied) { w.WriteString("implied_port"u8); w.WriteInteger(implied); }
        if (!m.InfoHash.IsEmpty) { w.WriteString("info_hash"u8); w.WriteString(m.InfoHash); }
        if (m.Interval is long interval) { w.WriteString("interval"u8); w.WriteInteger(interval); }
        if (!m.Key.IsEmpty) { w.WriteString("k"u8); w.WriteString(m.Key); }
        if (!m.Nodes.IsEmpty) { w.WriteString("nodes"u8); w.WriteString(m.Nodes); }
        if (!m.Nodes6.IsEmpty) { w.WriteString("nodes6"u8); w.WriteString(m.Nodes6); }
        if (m.Num is long num) { w.WriteString("num"u8); w.WriteInteger(num); }
        if (m.Port is long port) { w.WriteString("port"u8); w.WriteInteger(port); }
        if (!m.Salt.IsEmpty) { w.WriteString("salt"u8); w.WriteString(m.Salt); }
        if (!m.Samples.IsEmpty || m.Num is not null) { w.WriteString("samples"u8); w.WriteString(m.Samples); }
        if (m.Sequence is long seq) { w.WriteString("seq"u8); w.WriteInteger(seq); }
        if (!m.Signature.IsEmpty) { w.WriteString("sig"u8); w.WriteString(m.Signature); }
        if (!m.Target.IsEmpty) { w.WriteString("target"u8); w.WriteString(m.Target); }
        if (!m.Token.IsEmpty) { w.WriteString("token"u8); w.WriteString(m.Token); }
        if (!m.Value.IsEmpty) { w.WriteString("v"u8); w.WriteRaw(m.Value); }
        if (!m.Values.IsEmpty) { w.WriteString("values"u8); w.WriteRaw(m.Values); }
        if (m.Want != KrpcWant.None)
        {
            w.WriteString("want"u8);
            w.WriteListStart();
            if ((m.Want & KrpcWant.N4) != 0) w.WriteString("n4"u8);
            if ((m.Want & KrpcWant.N6) != 0) w.WriteString("n6"u8);
            w.WriteEnd();
        }
        w.WriteEnd();
    }
}
