using System.Text;
using BitTorrent.Dht.Security;

namespace BitTorrent.Dht.Tests;

public class Bep44Tests
{
    private static readonly byte[] PublicKey = Convert.FromHexString("77ff84905a91936367c01360803104f92432fcd904a43511876df5cdf3e7e548");
    private static readonly byte[] Value = "12:Hello World!"u8.ToArray();

    [Fact]
    public void Test_vector_1_mutable()
    {
        var signature = Convert.FromHexString("305ac8aeb6c9c151fa120f120ea2cfb923564e11552d06a5d856091e5e853cff1260d3f39e4999684aa92eb73ffd136e6f4f3ecbfda0ce53a1608ecd7ae21f01");
        var buffer = Ed25519Signatures.CreateSignedBuffer(default, 1, Value);
        Assert.Equal("3:seqi1e1:v12:Hello World!", Encoding.ASCII.GetString(buffer));
        Assert.True(Ed25519Signatures.Verify(signature, buffer, PublicKey));
        var item = new DhtItem { Value = Value, PublicKey = PublicKey, Signature = signature, Sequence = 1 };
        Assert.Equal("4a533d47ec9c7d95b1ad75f576cffc641853b750", item.Target.ToString());
        Assert.True(item.VerifySignature());
    }

    [Fact]
    public void Test_vector_2_mutable_with_salt()
    {
        var signature = Convert.FromHexString("6834284b6b24c3204eb2fea824d82f88883a3d95e8b4a21b8c0ded553d17d17ddf9a8a7104b1258f30bed3787e6cb896fca78c58f8e03b5f18f14951a87d9a08");
        var salt = "foobar"u8.ToArray();
        var buffer = Ed25519Signatures.CreateSignedBuffer(salt, 1, Value);
        Assert.Equal("4:salt6:foobar3:seqi1e1:v12:Hello World!", Encoding.ASCII.GetString(buffer));
        Assert.True(Ed25519Signatures.Verify(signature, buffer, PublicKey));
        var item = new DhtItem { Value = Value, PublicKey = PublicKey, Signature = signature, Salt = salt, Sequence = 1 };
        Assert.Equal("411eba73b6f087ca51a3795d9c8c938d365e32c1", item.Target.ToString());
        Assert.True(item.VerifySignature());
        Assert.False((item with { Sequence = 2 }).VerifySignature());
        Assert.False((item with { Salt = "foobaz"u8.ToArray() }).VerifySignature());
    }

    [Fact]
    public void Test_vector_3_immutable()
    {
        Assert.Equal("e5f96f6f38320f0f33959cb4d3d656452117aadb", DhtItem.CreateImmutable(Value).Target.ToString());
    }

    [Fact]
    public void Signing_with_a_seed_round_trips_and_tampering_fails()
    {
        var seed = new byte[32];
        new Random(7).NextBytes(seed);
        var item = DhtItem.CreateMutable(seed, "5:hello"u8.ToArray(), 3, "s"u8.ToArray());
        Assert.True(item.VerifySignature());
        var tampered = item.Signature.ToArray();
        tampered[0] ^= 1;
        Assert.False((item with { Signature = tampered }).VerifySignature());
        Assert.False(Ed25519Signatures.Verify(new byte[63], "x"u8, item.PublicKey.Span));
        Assert.False(Ed25519Signatures.Verify(new byte[64], "x"u8, new byte[31]));
    }

    [Fact]
    public void An_external_signer_receives_the_bep44_buffer()
    {
        var seed = new byte[32];
        new Random(8).NextBytes(seed);
        byte[]? seen = null;
        var item = DhtItem.CreateMutable(Ed25519Signatures.GetPublicKey(seed), buffer =>
        {
            seen = buffer;
            return Ed25519Signatures.Sign(seed, buffer);
        }, "12:Hello World!"u8.ToArray(), 1, "foobar"u8.ToArray());
        Assert.Equal("4:salt6:foobar3:seqi1e1:v12:Hello World!", Encoding.ASCII.GetString(seen!));
        Assert.True(item.VerifySignature());
    }
}
