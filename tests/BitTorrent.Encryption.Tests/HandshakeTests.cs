using System.Buffers;
using System.IO.Pipelines;
using BitTorrent.Encryption;
using BitTorrent.Wire;

namespace BitTorrent.Encryption.Tests;

public class HandshakeTests
{
    internal static readonly InfoHash Torrent = InfoHash.Parse("e3811b9539cacff680e418124272177c47477157");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(CryptoMethods.Rc4 | CryptoMethods.Plaintext, CryptoMethods.Rc4 | CryptoMethods.Plaintext, true, CryptoMethods.Rc4)]
    [InlineData(CryptoMethods.Rc4 | CryptoMethods.Plaintext, CryptoMethods.Rc4 | CryptoMethods.Plaintext, false, CryptoMethods.Plaintext)]
    [InlineData(CryptoMethods.Plaintext, CryptoMethods.Rc4 | CryptoMethods.Plaintext, true, CryptoMethods.Plaintext)]
    [InlineData(CryptoMethods.Rc4 | CryptoMethods.Plaintext, CryptoMethods.Rc4, false, CryptoMethods.Rc4)]
    public async Task Both_roles_agree_on_the_method_and_carry_payload_both_ways(
        CryptoMethods offered, CryptoMethods allowed, bool preferRc4, CryptoMethods expected)
    {
        var pair = new PipePair();
        var initiator = MseHandshake.InitiateAsync(pair.ConnectionA, Torrent, new MseOptions { AllowedMethods = offered });
        var receiver = MseHandshake.RespondAsync(pair.ConnectionB, new MseTorrentTable([Torrent]),
            new MseOptions { AllowedMethods = allowed, PreferRc4 = preferRc4 });
        var (a, b) = (await initiator.WaitAsync(Bound), await receiver.WaitAsync(Bound));

        Assert.Equal(expected, a.Method);
        Assert.Equal(expected, b.Method);
        Assert.Equal(Torrent, b.InfoHash);
        Assert.Equal(expected == CryptoMethods.Rc4, a.IsEncrypted);
        Assert.Equal(expected == CryptoMethods.Rc4, a.Connection.IsEncrypted);
        Assert.Equal(expected == CryptoMethods.Rc4, b.Connection.IsEncrypted);
        Assert.Equal(ConnectionDirection.Incoming, b.Connection.Direction);
        await AssertPayloadFlowsAsync(a.Connection.Transport, b.Connection.Transport);
    }

    [Fact]
    public async Task Rc4_payload_is_not_plaintext_on_the_connection()
    {
        var tap = new Pipe();
        var pair = new PipePair();
        var initiator = MseHandshake.InitiateAsync(pair.ConnectionA, Torrent, new MseOptions { AllowedMethods = CryptoMethods.Rc4 });
        var b = await MseHandshake.RespondAsync(pair.ConnectionB, new MseTorrentTable([Torrent])).WaitAsync(Bound);
        var a = await initiator.WaitAsync(Bound);

        var secret = "the quick brown fox jumps over the lazy dog"u8.ToArray();
        await a.Connection.Transport.Output.WriteAsync(secret);
        // Read the raw bytes B's transport wraps: they must not contain the plaintext.
        var raw = await pair.B.Input.ReadAtLeastAsync(secret.Length).AsTask().WaitAsync(Bound);
        Assert.Equal(-1, raw.Buffer.ToArray().AsSpan().IndexOf(secret));
        pair.B.Input.AdvanceTo(raw.Buffer.Start);
        var decrypted = await b.Connection.Transport.Input.ReadAtLeastAsync(secret.Length).AsTask().WaitAsync(Bound);
        Assert.Equal(secret, decrypted.Buffer.Slice(0, secret.Length).ToArray());
        tap.Writer.Complete();
    }

    [Theory]
    [InlineData(CryptoMethods.Rc4)]
    [InlineData(CryptoMethods.Plaintext)]
    public async Task The_initial_payload_reaches_the_receiver_first_and_is_not_sent_twice(CryptoMethods method)
    {
        var pair = new PipePair();
        var handshake = new byte[68];
        new Random(1).NextBytes(handshake);
        var initiator = MseHandshake.InitiateAsync(pair.ConnectionA, Torrent, new MseOptions { AllowedMethods = method }, handshake);
        var b = await MseHandshake.RespondAsync(pair.ConnectionB, new MseTorrentTable([Torrent])).WaitAsync(Bound);
        var a = await initiator.WaitAsync(Bound);

        // The wire writes its handshake again, followed by a message: only the message goes out.
        await a.Connection.Transport.Output.WriteAsync(handshake.Concat(new byte[] { 0, 0, 0, 1, 2 }).ToArray());
        var expected = handshake.Concat(new byte[] { 0, 0, 0, 1, 2 }).ToArray();
        var read = await b.Connection.Transport.Input.ReadAtLeastAsync(expected.Length).AsTask().WaitAsync(Bound);
        Assert.Equal(expected, read.Buffer.ToArray());
    }

    [Fact]
    public async Task Accept_detects_plaintext_and_encrypted_connections()
    {
        var torrents = new MseTorrentTable([Torrent]);
        var plain = new PipePair();
        var handshake = new byte[68];
        handshake[0] = 19;
        "BitTorrent protocol"u8.CopyTo(handshake.AsSpan(1));
        await plain.A.Output.WriteAsync(handshake);
        var incoming = plain.ConnectionB;
        var accepted = await MseHandshake.AcceptAsync(incoming, torrents).WaitAsync(Bound);
        Assert.False(accepted.UsedMse);
        Assert.Same(incoming, accepted.Connection);
        var untouched = await plain.B.Input.ReadAtLeastAsync(68).AsTask().WaitAsync(Bound);
        Assert.Equal(handshake, untouched.Buffer.ToArray());

        var encrypted = new PipePair();
        var initiator = MseHandshake.InitiateAsync(encrypted.ConnectionA, Torrent);
        var received = await MseHandshake.AcceptAsync(encrypted.ConnectionB, torrents).WaitAsync(Bound);
        Assert.Equal(CryptoMethods.Rc4, received.Method);
        await AssertPayloadFlowsAsync((await initiator.WaitAsync(Bound)).Connection.Transport, received.Connection.Transport);
    }

    [Fact]
    public async Task Many_torrents_are_found_by_their_req2_hash()
    {
        var torrents = new MseTorrentTable(Enumerable.Range(0, 1000).Select(i => InfoHash.FromInfoDictionary(BitConverter.GetBytes(i))));
        var wanted = InfoHash.FromInfoDictionary(BitConverter.GetBytes(617));
        var pair = new PipePair();
        var initiator = MseHandshake.InitiateAsync(pair.ConnectionA, wanted);
        var b = await MseHandshake.RespondAsync(pair.ConnectionB, torrents).WaitAsync(Bound);
        Assert.Equal(wanted, b.InfoHash);
        await initiator.WaitAsync(Bound);
        Assert.True(torrents.Remove(wanted));
        Assert.False(torrents.Remove(wanted));
        Assert.Equal(999, torrents.Count);
    }

    internal static async Task AssertPayloadFlowsAsync(IDuplexPipe a, IDuplexPipe b)
    {
        var data = new byte[200_000];
        new Random(5).NextBytes(data);
        var send = Task.Run(async () =>
        {
            for (int at = 0; at < data.Length; at += 7_000) await a.Output.WriteAsync(data.AsMemory(at, Math.Min(7_000, data.Length - at)));
        });
        var received = await ReadExactlyAsync(b.Input, data.Length);
        await send.WaitAsync(Bound);
        Assert.Equal(data, received);

        await b.Output.WriteAsync("pong"u8.ToArray());
        Assert.Equal("pong"u8.ToArray(), await ReadExactlyAsync(a.Input, 4));
    }

    internal static async Task<byte[]> ReadExactlyAsync(PipeReader reader, int length)
    {
        var result = new byte[length];
        var at = 0;
        while (at < length)
        {
            var read = await reader.ReadAsync().AsTask().WaitAsync(Bound);
            var take = (int)Math.Min(read.Buffer.Length, length - at);
            read.Buffer.Slice(0, take).CopyTo(result.AsSpan(at));
            at += take;
            reader.AdvanceTo(read.Buffer.GetPosition(take));
            if (read.IsCompleted && at < length) throw new EndOfStreamException();
        }
        return result;
    }
}
