using BitTorrent.Bencode;

namespace BitTorrent.Bencode.Tests;

public class FuzzTests
{
    [Fact]
    public void Mutated_inputs_either_decode_or_throw_BencodeException()
    {
        var seed = System.Text.Encoding.ASCII.GetBytes("d1:ad1:xli1ei-2ee1:y4:spame1:bi3e1:cl0:i0eee");
        var random = new Random(42);
        int decoded = 0, refused = 0;
        for (int i = 0; i < 20_000; i++)
        {
            var input = (byte[])seed.Clone();
            int mutations = random.Next(1, 4);
            for (int m = 0; m < mutations; m++)
                input[random.Next(input.Length)] = (byte)"0123456789:ilde-x"[random.Next(17)];
            var length = random.Next(input.Length + 1);
            try
            {
                Bencode.Decode(input.AsMemory(0, length), BencodeOptions.Lenient);
                decoded++;
            }
            catch (BencodeException)
            {
                refused++;
            }
        }
        Assert.True(decoded > 0 && refused > 0, $"decoded {decoded}, refused {refused}");
    }
}
