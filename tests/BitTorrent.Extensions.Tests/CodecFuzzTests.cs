using System.Net;
using BitTorrent.Extensions;

namespace BitTorrent.Extensions.Tests;

/// <summary>Random and mutated inputs: the decoders either succeed or throw <see cref="ExtensionMessageException"/>, nothing else.</summary>
public class CodecFuzzTests
{
    private static IEnumerable<byte[]> Inputs(byte[] seed, int count, int randomSeed)
    {
        var random = new Random(randomSeed);
        for (int i = 0; i < count; i++)
        {
            var input = (byte[])seed.Clone();
            int edits = random.Next(1, 4);
            for (int e = 0; e < edits && input.Length > 0; e++)
                input[random.Next(input.Length)] = (byte)random.Next(256);
            if (random.Next(4) == 0) input = input[..random.Next(input.Length + 1)];
            yield return input;
        }
        for (int i = 0; i < count; i++)
        {
            var input = new byte[random.Next(64)];
            random.NextBytes(input);
            yield return input;
        }
    }

    [Fact]
    public void Pex_decoder_only_throws_its_typed_error()
    {
        var seed = new PexMessage(
            [new PexPeer(new IPEndPoint(IPAddress.Parse("1.2.3.4"), 5), PexFlags.Seed), new PexPeer(new IPEndPoint(IPAddress.Parse("::1"), 6), PexFlags.None)],
            [new IPEndPoint(IPAddress.Parse("9.9.9.9"), 7)]).ToArray();
        int decoded = 0, refused = 0;
        foreach (var input in Inputs(seed, 3000, 1))
        {
            try
            {
                var message = PexMessage.Decode(input);
                Assert.Equal(message.ToArray(), PexMessage.Decode(message.ToArray()).ToArray()); // what was read re-encodes stably
                decoded++;
            }
            catch (ExtensionMessageException)
            {
                refused++;
            }
        }
        Assert.True(decoded > 100 && refused > 100, $"decoded {decoded}, refused {refused}: the mutations should reach both outcomes");
    }

    [Fact]
    public void Metadata_decoder_only_throws_its_typed_error_and_bounds_every_number()
    {
        var seed = MetadataMessage.DataPiece(2, 40000, new byte[100]).ToArray();
        int decoded = 0, refused = 0;
        foreach (var input in Inputs(seed, 3000, 2))
        {
            try
            {
                var message = MetadataMessage.Decode(input);
                Assert.InRange(message.Piece, 0, MetadataMessage.MaxPieceCount - 1);
                Assert.True(message.Data.Length <= MetadataMessage.PieceLength);
                Assert.True(message.TotalSize == -1 || message.TotalSize is >= 1 and <= MetadataMessage.MaxMetadataSize);
                decoded++;
            }
            catch (ExtensionMessageException)
            {
                refused++;
            }
        }
        Assert.True(decoded > 100 && refused > 100, $"decoded {decoded}, refused {refused}: the mutations should reach both outcomes");
    }

    [Fact]
    public void Magnet_parser_only_throws_its_typed_error()
    {
        const string seed = "magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a&dn=a%20b&tr=http://t.example/a&x.pe=[::1]:5&ws=http://w.example/";
        var random = new Random(3);
        for (int i = 0; i < 3000; i++)
        {
            var chars = seed.ToCharArray();
            for (int e = random.Next(1, 4); e > 0; e--) chars[random.Next(chars.Length)] = (char)random.Next(32, 127);
            var text = new string(chars);
            try
            {
                var link = MagnetLink.Parse(text);
                Assert.Equal(link.ToString(), MagnetLink.Parse(link.ToString()).ToString());
            }
            catch (MagnetLinkFormatException)
            {
            }
        }
    }
}
