using System.Runtime.CompilerServices;

namespace BitTorrent;

/// <summary>Twenty bytes stored inline, the shared storage of <see cref="InfoHash"/>, <see cref="PeerId"/> and the DHT's NodeId.</summary>
[InlineArray(Length)]
internal struct Id20Bytes
{
    public const int Length = 20;
    private byte _element0;
}

/// <summary>Hex and byte helpers for 20-byte identifiers.</summary>
internal static class Id20
{
    public static Id20Bytes FromSpan(ReadOnlySpan<byte> bytes, string paramName)
    {
        if (bytes.Length != Id20Bytes.Length)
            throw new ArgumentException($"must be exactly 20 bytes (got {bytes.Length})", paramName);
        Id20Bytes value = default;
        bytes.CopyTo(value);
        return value;
    }

    public static bool TryParseHex(ReadOnlySpan<char> hex, out Id20Bytes value)
    {
        value = default;
        if (hex.Length != 40) return false;
        try
        {
            return Convert.FromHexString(hex, value, out _, out int written) == System.Buffers.OperationStatus.Done && written == 20;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
