using BitTorrent.Bencode;

namespace BitTorrent.Dht.Krpc;

/// <summary>Reads and writes the BEP 5 <c>values</c> list (compact peer info strings).</summary>
public static class KrpcValues
{
    /// <summary>The bencoded size of one entry of <paramref name="compactLength"/> bytes ("6:" + 6 or "18:" + 18).</summary>
    public static int EncodedEntryLength(int compactLength) => compactLength + (compactLength < 10 ? 2 : 3);

    /// <summary>Writes <c>l6:…6:…e</c> for the peers into <paramref name="destination"/> and returns the length.</summary>
    public static int Write(ReadOnlySpan<NodeEndPoint> peers, Span<byte> destination)
    {
        int n = 0;
        destination[n++] = (byte)'l';
        Span<byte> compact = stackalloc byte[18];
        foreach (var peer in peers)
        {
            int length = peer.WriteCompact(compact);
            if (length == 6)
            {
                destination[n++] = (byte)'6';
            }
            else
            {
                destination[n++] = (byte)'1';
                destination[n++] = (byte)'8';
            }
            destination[n++] = (byte)':';
            compact[..length].CopyTo(destination[n..]);
            n += length;
        }
        destination[n++] = (byte)'e';
        return n;
    }

    /// <summary>
    /// Reads the peers of a raw <c>values</c> list into <paramref name="destination"/>; entries that are not 6 or 18
    /// bytes, or have port 0, are skipped. Returns how many were read, or -1 if the list is malformed.
    /// </summary>
    public static int Read(ReadOnlySpan<byte> values, Span<NodeEndPoint> destination)
    {
        if (values.IsEmpty)
        {
            return 0;
        }
        int count = 0;
        try
        {
            var reader = new BencodeReader(values, KrpcCodec.ReaderOptions);
            reader.ReadListStart();
            while (!reader.TryReadEnd())
            {
                if (reader.Peek() != BencodeToken.String)
                {
                    reader.ReadRawValue();
                    continue;
                }
                var entry = reader.ReadString();
                if (count < destination.Length && NodeEndPoint.TryReadCompact(entry, out var peer) && peer.Port != 0)
                {
                    destination[count++] = peer;
                }
            }
        }
        catch (BencodeException)
        {
            return -1;
        }
        return count;
    }
}
