using System.Net;
using BitTorrent.Dht.Security;

namespace BitTorrent.Dht.Tests;

public class Bep42Tests
{
    [Theory]
    [InlineData("124.31.75.21", "5fbfbff10c5d6a4ec8a88e4c6ab4c28b95eee401")]
    [InlineData("21.75.31.124", "5a3ce9c14e7a08645677bbd1cfe7d8f956d53256")]
    [InlineData("65.23.51.170", "a5d43220bc8f112a3d426c84764f8c2a1150e616")]
    [InlineData("84.124.73.14", "1b0321dd1bb1fe518101ceef99462b947a01ff41")]
    [InlineData("43.213.53.83", "e56f6cbf5b7c4be0237986d5243b87aa6d51305a")]
    public void Bep42_examples_are_valid(string ip, string id)
    {
        Assert.True(NodeIdSecurity.IsValid(NodeId.Parse(id), IPAddress.Parse(ip)));
        Assert.False(NodeIdSecurity.IsValid(NodeId.Parse(id), IPAddress.Parse("8.8.8.8")));
    }

    [Fact]
    public void Created_ids_validate_for_their_address_only()
    {
        var random = new Random(3);
        foreach (var text in new[] { "124.31.75.21", "2001:db8::1", "203.0.113.9" })
        {
            var ip = IPAddress.Parse(text);
            var id = NodeIdSecurity.CreateId(ip, random);
            Assert.True(NodeIdSecurity.IsValid(id, ip));
        }
        Assert.False(NodeIdSecurity.IsValid(NodeIdSecurity.CreateId(IPAddress.Parse("124.31.75.21"), random), IPAddress.Parse("125.31.75.21")));
    }

    [Fact]
    public void Crc32c_matches_the_standard_check_value()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
    }

    [Fact]
    public void Local_addresses_are_exempt()
    {
        Assert.True(NodeIdSecurity.IsExempt(IPAddress.Loopback));
        Assert.True(NodeIdSecurity.IsExempt(IPAddress.Parse("192.168.1.1")));
        Assert.True(NodeIdSecurity.IsExempt(IPAddress.Parse("10.0.0.1")));
        Assert.False(NodeIdSecurity.IsExempt(IPAddress.Parse("8.8.8.8")));
    }
}
