using System.Net;
using System.Text;
using CsCheck;

namespace BitTorrent.Extensions.Tests;

/// <summary>CsCheck properties: every writer's output reads back to the same value; decoders fail only with their typed error.</summary>
public class PropertyTests
{
    private static readonly Gen<InfoHash> Hash = Gen.Byte.Array[20].Select(b => new InfoHash(b));

    private static readonly Gen<IPEndPoint> V4 = Gen.Select(Gen.Byte.Array[4], Gen.Int[1, 65535], (a, p) => new IPEndPoint(new IPAddress(a), p));

    private static readonly Gen<IPEndPoint> V6 = Gen.Select(Gen.Byte.Array[16], Gen.Int[1, 65535], Gen.Long[0, 9],
        (a, p, scope) =>
        {
            var address = new IPAddress(a);
            if (address.IsIPv4MappedToIPv6) address = IPAddress.Parse("fe80::1");
            if (address.IsIPv6LinkLocal) address.ScopeId = scope; // e.g. [fe80::1%2]:6881
            return new IPEndPoint(address, p);
        });

    /// <summary>Any text: ASCII with the characters magnet links escape, other scripts, and characters outside the basic plane.</summary>
    private static readonly Gen<string> Text = Gen.OneOf(Gen.Int[32, 126], Gen.Int[0xA0, 0xD7FF], Gen.Int[0x10000, 0x10FFFF])
        .Array[0, 12].Select(code => string.Concat(code.Select(char.ConvertFromUtf32)));

    private static readonly Gen<string> Label = Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789"].Array[1, 8].Select(c => new string(c));

    private static readonly Gen<Uri> Tracker = Gen.Select(Gen.OneOf(Gen.Const("http"), Gen.Const("https"), Gen.Const("udp")), Label, Gen.Int[1, 65535], Text,
        (scheme, host, port, path) => new Uri($"{scheme}://{host}.example:{port}/{Uri.EscapeDataString(path)}?k={Uri.EscapeDataString(path)}&x=1"));

    private static readonly Gen<EndPoint> Peer = Gen.OneOf<EndPoint>(
        V4.Select(e => (EndPoint)e), V6.Select(e => (EndPoint)e),
        Gen.Select(Label, Gen.Int[1, 65535], (host, port) => (EndPoint)new DnsEndPoint(host + ".example", port)));

    private static readonly Gen<MagnetLink> Magnet = Gen.Select(Hash, Gen.OneOf(Text, Gen.Const((string)null!)), Tracker.List[0, 4],
        Tracker.Where(t => t.Scheme != "udp").List[0, 3], Peer.List[0, 5],
        (hash, name, trackers, seeds, peers) => new MagnetLink(hash, name, trackers, seeds, peers));

    [Fact]
    public void A_magnet_link_parses_back_from_its_text() =>
        Magnet.Sample(link =>
        {
            var text = link.ToString();
            var parsed = MagnetLink.Parse(text);
            Assert.Equal(link.InfoHash, parsed.InfoHash);
            Assert.Equal(link.DisplayName, parsed.DisplayName);
            Assert.Equal(link.Trackers.Select(t => t.OriginalString), parsed.Trackers.Select(t => t.OriginalString));
            Assert.Equal(link.WebSeeds.Select(t => t.OriginalString), parsed.WebSeeds.Select(t => t.OriginalString));
            Assert.Equal(link.Peers, parsed.Peers);
            Assert.Equal(link.Peers.OfType<IPEndPoint>().Select(Scope), parsed.Peers.OfType<IPEndPoint>().Select(Scope));
            Assert.Equal(text, parsed.ToString());
        }, iter: 2000, threads: 1);

    [Fact]
    public void A_pex_message_decodes_to_what_was_encoded() =>
        Gen.Select(Gen.Select(Gen.OneOf(V4, V6), Gen.Byte).List[0, 60], Gen.OneOf(V4, V6).List[0, 60]).Sample((added, dropped) =>
        {
            var message = new PexMessage(added.Select(a => new PexPeer(Unscoped(a.Item1), (PexFlags)a.Item2)).ToArray(), dropped.Select(Unscoped).ToArray());
            var decoded = PexMessage.Decode(message.ToArray(), maxPeers: 200);
            // Each list carries its IPv4 peers first, then its IPv6 peers.
            Assert.Equal(message.Added.OrderBy(p => p.EndPoint.AddressFamily), decoded.Added);
            Assert.Equal(message.Dropped.OrderBy(p => p.AddressFamily), decoded.Dropped);
            Assert.Equal(0, decoded.IgnoredPeers);
            Assert.Equal(message.ToArray(), decoded.ToArray());
        }, iter: 1000, threads: 1);

    [Fact]
    public void A_metadata_message_decodes_to_what_was_encoded() =>
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, MetadataMessage.MaxPieceCount - 1], Gen.Int[1, MetadataMessage.MaxMetadataSize], Gen.Byte.Array[0, 300])
            .Sample((type, piece, size, data) =>
            {
                var payload = type switch
                {
                    0 => MetadataMessage.Request(piece).ToArray(),
                    1 => MetadataMessage.DataPiece(piece, size, data).ToArray(),
                    _ => MetadataMessage.Reject(piece).ToArray(),
                };
                var decoded = MetadataMessage.Decode(payload);
                Assert.Equal((MetadataMessageType)type, decoded.Type);
                Assert.Equal(piece, decoded.Piece);
                Assert.Equal(type == 1 ? size : -1, decoded.TotalSize);
                Assert.Equal(type == 1 ? data : [], decoded.Data.ToArray());
                Assert.Equal(payload, decoded.ToArray());
            }, iter: 2000, threads: 1);

    [Fact]
    public void Decoders_given_random_bytes_throw_only_their_typed_error() =>
        Gen.Byte.Array[0, 80].Sample(input =>
        {
            try { PexMessage.Decode(input); }
            catch (ExtensionMessageException e) { Assert.Equal(ExtensionNames.UtPex, e.Extension); }
            try { MetadataMessage.Decode(input); }
            catch (ExtensionMessageException e) { Assert.Equal(ExtensionNames.UtMetadata, e.Extension); }
            try { MagnetLink.Parse("magnet:?" + Encoding.Latin1.GetString(input)); }
            catch (MagnetLinkFormatException) { }
        }, iter: 20_000, threads: 1);

    [Fact]
    public void The_magnet_parser_given_random_links_throws_only_its_typed_error() =>
        Gen.Select(Magnet, Gen.Int[0, 10_000], Gen.Char).Sample((link, at, replacement) =>
        {
            var text = link.ToString().ToCharArray();
            text[at % text.Length] = replacement;
            try { MagnetLink.Parse(new string(text)); }
            catch (MagnetLinkFormatException) { }
        }, iter: 5000, threads: 1);

    private static long Scope(IPEndPoint endPoint) =>
        endPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? endPoint.Address.ScopeId : -1;

    // PEX carries no IPv6 zone.
    private static IPEndPoint Unscoped(IPEndPoint endPoint) =>
        Scope(endPoint) <= 0 ? endPoint : new IPEndPoint(new IPAddress(endPoint.Address.GetAddressBytes()), endPoint.Port);
}
