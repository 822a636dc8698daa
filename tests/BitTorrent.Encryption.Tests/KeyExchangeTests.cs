using System.Numerics;
using BitTorrent.Encryption;

namespace BitTorrent.Encryption.Tests;

public class KeyExchangeTests
{
    [Fact]
    public void Both_sides_compute_the_same_96_byte_secret()
    {
        var a = new MseKeyExchange();
        var b = new MseKeyExchange();
        Assert.Equal(96, a.PublicKey.Length);
        var sa = new byte[96];
        var sb = new byte[96];
        Assert.True(a.TryComputeSecret(b.PublicKey.Span, sa));
        Assert.True(b.TryComputeSecret(a.PublicKey.Span, sb));
        Assert.Equal(sa, sb);
        Assert.NotEqual(a.PublicKey.ToArray(), b.PublicKey.ToArray());
    }

    [Fact]
    public void The_prime_is_the_768_bit_MSE_prime()
    {
        Assert.Equal(768, (int)MseKeyExchange.Prime.GetBitLength());
        Assert.Equal(0x90563, (int)(MseKeyExchange.Prime & 0xFFFFF));
    }

    public static TheoryData<string> GarbageKeys => new() { "0", "1", "p-1", "p", "p+1", "max" };

    [Theory]
    [MemberData(nameof(GarbageKeys))]
    public void Degenerate_public_keys_are_refused(string which)
    {
        var p = MseKeyExchange.Prime;
        var value = which switch
        {
            "0" => BigInteger.Zero,
            "1" => BigInteger.One,
            "p-1" => p - 1,
            "p" => p,
            "p+1" => p + 1,
            _ => (BigInteger.One << 768) - 1,
        };
        var key = new byte[96];
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        bytes.CopyTo(key, 96 - bytes.Length);
        Assert.False(new MseKeyExchange().TryComputeSecret(key, new byte[96]));
    }
}
