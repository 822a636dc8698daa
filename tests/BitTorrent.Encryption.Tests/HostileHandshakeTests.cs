using System.Numerics;
using BitTorrent.Encryption;
using Microsoft.Extensions.Time.Testing;

namespace BitTorrent.Encryption.Tests;

public class HostileHandshakeTests
{
    private static readonly InfoHash Torrent = HandshakeTests.Torrent;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static Task<MseHandshakeResult> Respond(PipePair pair, MseOptions? options = null) =>
        MseHandshake.RespondAsync(pair.ConnectionB, new MseTorrentTable([Torrent]), options);

    private static async Task<MseFailure> FailureOf(Task task) =>
        (await Assert.ThrowsAsync<MseException>(() => task.WaitAsync(Bound))).Failure;

    public static TheoryData<int> GarbageKeys => new() { 0, 1, -1 };

    [Theory]
    [MemberData(nameof(GarbageKeys))]
    public async Task A_degenerate_public_key_is_refused(int which)
    {
        var pair = new PipePair();
        var receiver = Respond(pair);
        var value = which >= 0 ? new BigInteger(which) : MseKeyExchange.Prime - 1;
        var key = new byte[96];
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        bytes.CopyTo(key, 96 - bytes.Length);
        await pair.A.Output.WriteAsync(key);
        Assert.Equal(MseFailure.InvalidPublicKey, await FailureOf(receiver));
    }

    [Fact]
    public async Task The_receiver_gives_up_when_req1_is_not_within_628_bytes()
    {
        var pair = new PipePair();
        var receiver = Respond(pair);
        await pair.A.Output.WriteAsync(new MseKeyExchange().PublicKey);
        var garbage = new byte[533]; // one byte more than PadA (512) + HASH('req1', S) (20) allows
        new Random(2).NextBytes(garbage);
        await pair.A.Output.WriteAsync(garbage);
        Assert.Equal(MseFailure.SynchronisationFailed, await FailureOf(receiver));
    }

    [Fact]
    public async Task The_initiator_gives_up_when_the_VC_is_not_within_520_bytes_of_Yb()
    {
        var pair = new PipePair();
        var initiator = MseHandshake.InitiateAsync(pair.ConnectionA, Torrent);
        await HandshakeTests.ReadExactlyAsync(pair.B.Input, 96);
        await pair.B.Output.WriteAsync(new MseKeyExchange().PublicKey);
        var garbage = new byte[521];
        new Random(3).NextBytes(garbage);
        await pair.B.Output.WriteAsync(garbage);
        Assert.Equal(MseFailure.SynchronisationFailed, await FailureOf(initiator));
    }

    [Fact]
    public async Task A_peer_that_stalls_half_way_times_out_on_the_injected_clock()
    {
        var time = new FakeTimeProvider();
        var pair = new PipePair();
        var receiver = Respond(pair, new MseOptions { TimeProvider = time, HandshakeTimeout = TimeSpan.FromSeconds(10) });
        await pair.A.Output.WriteAsync(new MseKeyExchange().PublicKey); // Ya, then nothing more
        await HandshakeTests.ReadExactlyAsync(pair.A.Input, 96);       // the receiver answered with Yb
        Assert.False(receiver.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(receiver.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(MseFailure.Timeout, await FailureOf(receiver));
    }

    [Fact]
    public async Task A_peer_that_closes_half_way_fails_with_ConnectionClosed()
    {
        var pair = new PipePair();
        var receiver = Respond(pair);
        await pair.A.Output.WriteAsync(new MseKeyExchange().PublicKey.Slice(0, 50));
        await pair.A.Output.CompleteAsync();
        Assert.Equal(MseFailure.ConnectionClosed, await FailureOf(receiver));
    }

    [Fact]
    public async Task An_unknown_torrent_is_refused()
    {
        var pair = new PipePair();
        var receiver = Respond(pair);
        _ = MseHandshake.InitiateAsync(pair.ConnectionA, InfoHash.Parse("0000000000000000000000000000000000000001"));
        Assert.Equal(MseFailure.UnknownInfoHash, await FailureOf(receiver));
    }

    [Theory]
    [InlineData(3u, (ushort)513, (byte)0, (ushort)0, MseFailure.InvalidLength)]
    [InlineData(3u, (ushort)0, (byte)0, (ushort)4097, MseFailure.InvalidLength)]
    [InlineData(3u, (ushort)0, (byte)1, (ushort)0, MseFailure.InvalidVerificationConstant)]
    [InlineData(0u, (ushort)0, (byte)0, (ushort)0, MseFailure.NoCommonMethod)]
    [InlineData(4u, (ushort)0, (byte)0, (ushort)0, MseFailure.NoCommonMethod)]
    public async Task A_bad_step_3_is_refused_with_its_reason(uint provide, ushort padC, byte vc, ushort ia, MseFailure expected)
    {
        var pair = new PipePair();
        var receiver = Respond(pair);
        await RawInitiator.SendStep3Async(pair.A, Torrent, provide, padC, vc, ia).WaitAsync(Bound);
        Assert.Equal(expected, await FailureOf(receiver));
    }

    [Fact]
    public async Task Only_rc4_allowed_refuses_a_plaintext_only_offer()
    {
        var pair = new PipePair();
        var receiver = Respond(pair, new MseOptions { AllowedMethods = CryptoMethods.Rc4 });
        await RawInitiator.SendStep3Async(pair.A, Torrent, provide: 1).WaitAsync(Bound);
        Assert.Equal(MseFailure.NoCommonMethod, await FailureOf(receiver));
    }

    [Fact]
    public async Task The_policy_refuses_the_wrong_kind_of_incoming_connection()
    {
        var torrents = new MseTorrentTable([Torrent]);
        var plain = new PipePair();
        var handshake = new byte[68];
        handshake[0] = 19;
        "BitTorrent protocol"u8.CopyTo(handshake.AsSpan(1));
        await plain.A.Output.WriteAsync(handshake);
        var required = MseHandshake.AcceptAsync(plain.ConnectionB, torrents, new MseOptions { Policy = EncryptionPolicy.Required });
        Assert.Equal(MseFailure.RefusedByPolicy, await FailureOf(required));

        var encrypted = new PipePair();
        _ = MseHandshake.InitiateAsync(encrypted.ConnectionA, Torrent);
        var disabled = MseHandshake.AcceptAsync(encrypted.ConnectionB, torrents, new MseOptions { Policy = EncryptionPolicy.Disabled });
        Assert.Equal(MseFailure.RefusedByPolicy, await FailureOf(disabled));
    }
}
