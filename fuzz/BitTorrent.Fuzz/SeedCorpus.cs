using System.Buffers.Binary;
using System.Net;
using System.Text;
using BitTorrent.Bencode;
using BitTorrent.Dht;
using BitTorrent.Extensions;
using BitTorrent.Wire;

namespace BitTorrent.Fuzz;

/// <summary>
/// The seed corpus: real messages written by our own writers and encoders, and small hand-written messages in the shape
/// other clients send (BEP examples, libtorrent-style handshakes). <c>seeds fuzz/corpus</c> writes them as files.
/// </summary>
public static class SeedCorpus
{
    private static readonly PeerId Peer = new("-LT2090-abcdefghijkl"u8);

    /// <summary>Writes every target's seeds under <paramref name="root"/>/&lt;target&gt;/.</summary>
    public static void WriteAll(string root)
    {
        foreach (var (target, seeds) in All())
        {
            var folder = Path.Combine(root, target);
            Directory.CreateDirectory(folder);
            foreach (var (name, bytes) in seeds) File.WriteAllBytes(Path.Combine(folder, name), bytes);
        }
    }

    /// <summary>The seeds of every target, by file name.</summary>
    public static Dictionary<string, Dictionary<string, byte[]>> All()
    {
        var krpc = Krpc();
        return new()
        {
            ["bencode_strict"] = BencodeValues(),
            ["bencode_lenient"] = Merge(BencodeValues(), new()
            {
                ["unsorted.bin"] = Ascii("d1:bi1e1:ai2ee"),
                ["leading_zero.bin"] = Ascii("i007e"),
                ["duplicate_keys.bin"] = Ascii("d1:ai1e1:ai2ee"),
                ["trailing.bin"] = Ascii("le garbage"),
            }),
            ["framing"] = Frames(),
            ["framing_split"] = Frames(),
            ["handshake"] = new()
            {
                ["plain.bin"] = Handshake(WireExtensions.Fast | WireExtensions.Extended | WireExtensions.Dht),
                ["with_messages.bin"] = [.. Handshake(WireExtensions.Fast), .. Frames()["all.bin"]],
                ["bad_pstrlen.bin"] = [18, .. Handshake(WireExtensions.None)[1..]],
                ["short.bin"] = Handshake(WireExtensions.None)[..40],
            },
            ["extended_handshake"] = ExtendedHandshakes(),
            ["wire"] = WireStreams(),
            ["ut_pex"] = Pex(),
            ["ut_metadata"] = new()
            {
                ["request.bin"] = MetadataMessage.Request(0).ToArray(),
                ["reject.bin"] = MetadataMessage.Reject(3).ToArray(),
                ["data.bin"] = MetadataMessage.DataPiece(1, 20000, new byte[20000 - 16384]).ToArray(),
                ["unknown_type.bin"] = Ascii("d8:msg_typei7e5:piecei0ee"),
            },
            ["metadata_assembly"] = new()
            {
                ["one_piece.bin"] = [0x01, 0x00, 0, 0x01, 0x01, 0x61],
                ["two_pieces.bin"] = [0x40, 0x10, 0, 0x40, 0x00, 0x62, 1, 0x00, 0x11, 0x63, 1, 0x00, 0x11, 0x63],
                ["bad_index.bin"] = [0x00, 0x10, 0xff, 0x00, 0x10, 0x00, 5, 0x00, 0x10, 0x00],
            },
            ["magnet"] = Magnets(),
            ["krpc"] = krpc,
            ["dht_node"] = krpc.ToDictionary(e => e.Key, e => (byte[])[0x21, (byte)(e.Value.Length >> 8), (byte)e.Value.Length, .. e.Value]),
            ["dht_state"] = DhtStates(),
            ["metainfo"] = Torrents(),
            ["tracker_http"] = TrackerBodies(),
            ["tracker_udp"] = TrackerDatagrams(),
            ["mse"] = new()
            {
                ["plain_handshake.bin"] = Handshake(WireExtensions.Fast),
                ["public_key_and_pad.bin"] = [.. Enumerable.Range(0, 96).Select(i => (byte)(i * 37 + 11)), .. new byte[64]],
                ["public_key_one.bin"] = [.. new byte[95], 1],
            },
        };
    }

    private static Dictionary<string, byte[]> Merge(Dictionary<string, byte[]> a, Dictionary<string, byte[]> b) =>
        a.Concat(b).ToDictionary(e => e.Key, e => e.Value);

    private static byte[] Ascii(string text) => Encoding.Latin1.GetBytes(text);

    private static Dictionary<string, byte[]> BencodeValues() => new()
    {
        ["integer.bin"] = new BInteger(-42).Encode(),
        ["string.bin"] = new BString("spam").Encode(),
        ["list.bin"] = new BList([1, "two", new BList()]).Encode(),
        ["dict.bin"] = new BDictionary { { "cow", "moo" }, { "spam", new BList(["a", "b"]) }, { "n", 0 } }.Encode(),
        ["nested.bin"] = new BDictionary { { "a", new BDictionary { { "b", new BList([new BDictionary { { "c", long.MinValue } }]) } } } }.Encode(),
        ["torrent.bin"] = Torrents()["single.torrent"],
    };

    private static byte[] Handshake(WireExtensions extensions)
    {
        var bytes = new byte[MessageWriter.HandshakeLength];
        MessageWriter.WriteHandshake(bytes, WireTargets.TorrentHash, Peer, extensions);
        return bytes;
    }

    private static byte[] Frame(Func<byte[], int> write)
    {
        var buffer = new byte[64];
        return buffer[..write(buffer)];
    }

    private static byte[] WithPayload(MessageId id, ReadOnlySpan<byte> payload)
    {
        var buffer = new byte[5 + payload.Length];
        MessageWriter.WriteHeader(buffer, id, payload.Length);
        payload.CopyTo(buffer.AsSpan(5));
        return buffer;
    }

    private static byte[] Extended(byte id, ReadOnlySpan<byte> body) => WithPayload(MessageId.Extended, [id, .. body]);

    private static byte[] Piece(int index, int begin, int length)
    {
        var buffer = new byte[13 + length];
        MessageWriter.WritePieceHeader(buffer, index, begin, length);
        buffer.AsSpan(13).Fill(0x5a);
        return buffer;
    }

    private static Dictionary<string, byte[]> Frames()
    {
        byte[][] each =
        [
            Frame(b => MessageWriter.WriteKeepAlive(b)), Frame(b => MessageWriter.WriteEmpty(b, MessageId.Unchoke)),
            Frame(b => MessageWriter.WriteEmpty(b, MessageId.Interested)), Frame(b => MessageWriter.WriteIndex(b, MessageId.Have, 7)),
            WithPayload(MessageId.Bitfield, [0xff, 0x80]), Frame(b => MessageWriter.WriteBlock(b, MessageId.Request, new BlockRequest(1, 0, 16384))),
            Piece(1, 16384, 32), Frame(b => MessageWriter.WriteBlock(b, MessageId.Cancel, new BlockRequest(1, 0, 16384))),
            Frame(b => MessageWriter.WritePort(b, 6881)), Frame(b => MessageWriter.WriteIndex(b, MessageId.Suggest, 3)),
            Frame(b => MessageWriter.WriteEmpty(b, MessageId.HaveAll)), Frame(b => MessageWriter.WriteBlock(b, MessageId.Reject, new BlockRequest(2, 0, 16384))),
            Frame(b => MessageWriter.WriteIndex(b, MessageId.AllowedFast, 9)), Extended(0, ExtendedHandshakes()["ours.bin"]),
            WithPayload((MessageId)99, [1, 2, 3]),
        ];
        return new()
        {
            ["all.bin"] = [.. each.SelectMany(m => m)],
            ["piece.bin"] = Piece(0, 0, 16384),
            ["too_large.bin"] = [0x00, 0x01, 0x00, 0x00, 7],
            ["malformed_have.bin"] = [0, 0, 0, 3, 4, 0, 0, .. Frame(b => MessageWriter.WriteEmpty(b, MessageId.Choke))],
        };
    }

    private static Dictionary<string, byte[]> ExtendedHandshakes() => new()
    {
        ["ours.bin"] = new BDictionary
        {
            { "m", new BDictionary { { "ut_pex", 1 }, { "ut_metadata", 2 }, { "lt_donthave", 3 } } },
            { "metadata_size", WireTargets.Metadata.Length }, { "p", 6881 }, { "reqq", 250 }, { "v", "BitTorrent.NET 0.1" },
        }.Encode(),
        ["libtorrent_style.bin"] = Ascii("d12:complete_agoi-1e1:md11:lt_donthavei7e10:share_modei8e11:upload_onlyi3e12:ut_holepunchi4e11:ut_metadatai2e6:ut_pexi1ee13:metadata_sizei5000e4:reqqi500e11:upload_onlyi0e1:v17:libtorrent 2.0.9 6:yourip4:\u007f\u0000\u0000\u0001e"),
        ["disable.bin"] = Ascii("d1:md6:ut_pexi0eee"),
    };

    private static Dictionary<string, byte[]> Pex()
    {
        var added = new[] { new PexPeer(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 6881), PexFlags.Seed), new PexPeer(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 51413), PexFlags.SupportsUtp) };
        return new()
        {
            ["added_dropped.bin"] = new PexMessage(added, [new IPEndPoint(IPAddress.Parse("10.0.0.9"), 80)]).ToArray(),
            ["empty.bin"] = new PexMessage([], []).ToArray(),
            ["npm_style.bin"] = Ascii("d5:added6:\u000a\u0000\u0000\u0002\u001a\u00e17:added.f1:\u0002e"),
        };
    }

    private static Dictionary<string, byte[]> WireStreams()
    {
        var theirs = Extended(0, ExtendedHandshakes()["libtorrent_style.bin"]);
        return new()
        {
            ["ext_handshake_pex_metadata.bin"] = [.. theirs, .. Extended(1, Pex()["added_dropped.bin"]), .. Extended(2, MetadataMessage.Request(0).ToArray()),
                .. Extended(2, MetadataMessage.DataPiece(0, 16, new byte[16]).ToArray())],
            ["donthave.bin"] = [.. theirs, .. Frame(b => MessageWriter.WriteEmpty(b, MessageId.HaveAll)), .. Extended(3, [0, 0, 0, 5])],
            ["messages.bin"] = Frames()["all.bin"],
            ["requests.bin"] = [.. WithPayload(MessageId.Bitfield, new byte[8]), .. Frame(b => MessageWriter.WriteEmpty(b, MessageId.Interested)),
                .. Frame(b => MessageWriter.WriteBlock(b, MessageId.Request, new BlockRequest(0, 0, 16384))), .. Piece(3, 0, 16)],
        };
    }

    private static Dictionary<string, byte[]> Magnets() => new()
    {
        ["basic.txt"] = Ascii("magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=ubuntu%20iso"),
        ["full.txt"] = Ascii("magnet:?xt=urn:btih:C12FE1C06BBA254A9DC9F519B335AA7C1367A88A&dn=a+b&tr=udp%3A%2F%2Ftracker.example%3A6969&tr=http://t.example/announce&ws=http%3A%2F%2Fseed.example%2Ff&x.pe=10.0.0.1:6881&x.pe=[2001:db8::1]:51413"),
        ["base32.txt"] = Ascii("magnet:?xt=urn:btih:YNCKHTQCWBTRNJIV4WNAE52SJUQCZO5C"),
        ["scoped_peer.txt"] = Ascii("magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&x.pe=[fe80::1%252]:6881"),
        ["unicode.txt"] = Encoding.UTF8.GetBytes("magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=%F0%9F%98%80%20caf%C3%A9"),
    };

    private static Dictionary<string, byte[]> Krpc() => new()
    {
        ["ping.bin"] = Ascii("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe"),
        ["pong.bin"] = Ascii("d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re"),
        ["find_node.bin"] = Ascii("d1:ad2:id20:abcdefghij01234567896:target20:mnopqrstuvwxyz123456e1:q9:find_node1:t2:aa1:y1:qe"),
        ["get_peers.bin"] = Ascii("d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456e1:q9:get_peers1:t2:aa1:y1:qe"),
        ["get_peers_values.bin"] = Ascii("d1:rd2:id20:abcdefghij01234567895:token8:aoeusnth6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re"),
        ["nodes.bin"] = Ascii("d1:rd2:id20:abcdefghij01234567895:nodes26:mnopqrstuvwxyz123456\u000a\u0000\u0000\u0001\u001a\u00e1e1:t2:aa1:y1:re"),
        ["announce.bin"] = Ascii("d1:ad2:id20:abcdefghij012345678912:implied_porti1e9:info_hash20:mnopqrstuvwxyz1234564:porti6881e5:token8:aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe"),
        ["error.bin"] = Ascii("d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee"),
        ["put.bin"] = Ascii("d1:ad2:id20:abcdefghij01234567893:seqi1e5:token8:aoeusnth1:v12:Hello World!e1:q3:put1:t2:aa1:y1:qe"),
        ["sample.bin"] = Ascii("d1:ad2:id20:abcdefghij01234567896:target20:mnopqrstuvwxyz123456e1:q17:sample_infohashes1:t2:aa1:y1:qe"),
    };

    private static Dictionary<string, byte[]> DhtStates()
    {
        var id = Convert.ToHexStringLower(Encoding.ASCII.GetBytes("abcdefghij0123456789"));
        var state = new DhtState
        {
            NodeId = id,
            Nodes = [new DhtStateNode { Id = id, Host = "10.0.0.1", Port = 6881 }, new DhtStateNode { Id = id, Host = "2001:db8::1", Port = 6882 }],
            Peers = [new DhtStatePeer { InfoHash = WireTargets.TorrentHash.ToString(), Host = "10.0.0.2", Port = 51413 }],
            Items = [new DhtStateItem { Value = Convert.ToHexStringLower(Ascii("12:Hello World!")) }],
        };
        return new()
        {
            ["state.json"] = Encoding.UTF8.GetBytes(state.ToJson()),
            ["null_nodes.json"] = Ascii("{\"NodeId\":null,\"Nodes\":null,\"Peers\":[null],\"Items\":[{\"Value\":null}]}"),
            ["empty.json"] = Ascii("{}"),
        };
    }

    private static Dictionary<string, byte[]> Torrents()
    {
        var single = new BDictionary
        {
            { "announce", "http://tracker.example/announce" }, { "announce-list", new BList([new BList(["http://tracker.example/announce", "udp://t.example:6969"])]) },
            { "comment", "fuzz seed" }, { "created by", "BitTorrent.NET" }, { "creation date", 1700000000 },
            { "info", new BDictionary { { "length", 40000 }, { "name", "file.bin" }, { "piece length", 16384 }, { "pieces", new byte[60] } } },
            { "url-list", new BList(["http://seed.example/file.bin"]) },
        };
        var multi = new BDictionary
        {
            { "info", new BDictionary
                {
                    { "files", new BList([new BDictionary { { "length", 10 }, { "path", new BList(["dir", "a.txt"]) } },
                        new BDictionary { { "length", 0 }, { "path", new BList(["empty"]) } }, new BDictionary { { "attr", "p" }, { "length", 16374 }, { "path", new BList([".pad", "16374"]) } }]) },
                    { "name", "multi" }, { "piece length", 16384 }, { "pieces", new byte[20] }, { "private", 1 },
                }
            },
        };
        return new() { ["single.torrent"] = single.Encode(), ["multi.torrent"] = multi.Encode() };
    }

    private static Dictionary<string, byte[]> TrackerBodies() => new()
    {
        ["compact.bin"] = new BDictionary { { "complete", 5 }, { "incomplete", 2 }, { "interval", 1800 }, { "min interval", 60 }, { "peers", new byte[] { 10, 0, 0, 1, 0x1a, 0xe1 } },
            { "peers6", new byte[18] }, { "tracker id", "abc" } }.Encode(),
        ["dict_peers.bin"] = new BDictionary { { "interval", 900 }, { "peers", new BList([new BDictionary { { "ip", "10.0.0.3" }, { "peer id", new byte[20] }, { "port", 6881 } }]) } }.Encode(),
        ["failure.bin"] = new BDictionary { { "failure reason", "unregistered torrent" } }.Encode(),
        ["scrape.bin"] = new BDictionary { { "files", new BDictionary { { Encoding.Latin1.GetString(WireTargets.TorrentHash.Span), new BDictionary { { "complete", 1 }, { "downloaded", 9 }, { "incomplete", 3 } } } } } }.Encode(),
    };

    private static Dictionary<string, byte[]> TrackerDatagrams()
    {
        static byte[] Header(int action, int length)
        {
            var datagram = new byte[length];
            BinaryPrimitives.WriteInt32BigEndian(datagram, action);
            BinaryPrimitives.WriteInt32BigEndian(datagram.AsSpan(4), 0x12345678);
            return datagram;
        }
        var connect = Header(0, 16);
        BinaryPrimitives.WriteInt64BigEndian(connect.AsSpan(8), 0x0102030405060708);
        var announce = Header(1, 20 + 12);
        BinaryPrimitives.WriteInt32BigEndian(announce.AsSpan(8), 1800);
        announce.AsSpan(20).Fill(7);
        var scrape = Header(2, 8 + 24);
        scrape.AsSpan(8).Fill(1);
        return new()
        {
            ["connect.bin"] = connect,
            ["announce.bin"] = announce,
            ["scrape.bin"] = scrape,
            ["error.bin"] = [.. Header(3, 8), .. Ascii("torrent not registered")],
        };
    }
}
