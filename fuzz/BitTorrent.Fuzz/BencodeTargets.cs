using BitTorrent.Bencode;

namespace BitTorrent.Fuzz;

/// <summary>Fuzz targets for the bencode decoder.</summary>
public static class BencodeTargets
{
    // A decoded tree costs objects per value; "le" is 2 bytes and a BList with its backing list, so the bound is per byte.
    private const long FixedBytes = 64 * 1024;
    private const int PerInputByte = 160;

    /// <summary>
    /// Strict decoding. Oracle: only <see cref="BencodeException"/>; an accepted input is canonical, so re-encoding
    /// gives back exactly the bytes decoded; lenient decoding accepts it too, with the same encoding.
    /// </summary>
    public static void Strict(byte[] input)
    {
        var budget = AllocationBudget.ForThread(input.Length, FixedBytes, PerInputByte);
        BValue value;
        try
        {
            value = Bencode.Bencode.Decode(input, BencodeOptions.Strict, out _);
        }
        catch (BencodeException)
        {
            budget.Check("bencode_strict");
            return;
        }
        Oracle.SameBytes(input, value.Encode(), "strict round trip");
        Oracle.SameBytes(input, Bencode.Bencode.Decode(input, BencodeOptions.Lenient).Encode(), "lenient reading of canonical input");
        budget.Check("bencode_strict");
    }

    /// <summary>
    /// Lenient decoding. Oracle: only <see cref="BencodeException"/>; an accepted value encodes to canonical bencode,
    /// which strict decoding accepts and re-encodes identically (the encoding is a fixpoint).
    /// </summary>
    public static void Lenient(byte[] input)
    {
        var budget = AllocationBudget.ForThread(input.Length, FixedBytes, PerInputByte);
        BValue value;
        try
        {
            value = Bencode.Bencode.Decode(input, BencodeOptions.Lenient, out _);
        }
        catch (BencodeException)
        {
            budget.Check("bencode_lenient");
            return;
        }
        var encoded = value.Encode();
        BValue again;
        try
        {
            again = Bencode.Bencode.Decode(encoded, BencodeOptions.Strict);
        }
        catch (BencodeException e)
        {
            throw new FuzzFindingException($"the encoding of a leniently decoded value is not canonical: {e.Message}");
        }
        Oracle.SameBytes(encoded, again.Encode(), "canonical fixpoint");
        budget.Check("bencode_lenient");
    }
}
